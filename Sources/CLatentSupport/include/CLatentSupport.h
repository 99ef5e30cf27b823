#ifndef CLATENT_SUPPORT_H
#define CLATENT_SUPPORT_H

/// Turns on flush-to-zero and denormals-are-zero for the calling thread.
/// Denormal floats make training loops an order of magnitude slower on x86.
/// Returns the previous control word so it can be restored.
unsigned long latent_enable_flush_to_zero(void);

/// Restores a control word returned by latent_enable_flush_to_zero.
void latent_restore_float_mode(unsigned long previous);

/// Peak resident set size of this process in bytes (0 when unknown).
unsigned long latent_peak_rss_bytes(void);

#endif
