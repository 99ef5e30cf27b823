// Memory: glibc's allocator tuned for tensors, and the peak resident size.
//
// glibc serves blocks above its mmap threshold (128 KB at first, raised as such blocks are
// freed) with fresh mmap'd pages and trims the heap's top once 2 × that is free: a training
// step that frees and re-allocates its activations and gradients then faults every page
// in again (measured: 12 % of a VAE step in exc_page_fault, a 10-row shard's weight
// gradients 200 KB each, 29k → 67k samples/s on one thread with the settings below).
// Fixed thresholds keep freed tensors in the heap for the next step; the peak resident
// memory stays what the largest step needs.
#include "CLatentSystem.h"
#include <sys/resource.h>
#if defined(__GLIBC__)
#include <malloc.h>
#include <pthread.h>

static pthread_once_t latent_allocator_once = PTHREAD_ONCE_INIT;

static void latent_allocator_configure(void) {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest: bigger blocks stay mmap'd
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

void latent_tune_allocator(void) { pthread_once(&latent_allocator_once, latent_allocator_configure); }
#else
void latent_tune_allocator(void) {}
#endif

unsigned long latent_peak_rss_bytes(void) {
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
#if defined(__APPLE__)
    return (unsigned long)usage.ru_maxrss;          /* bytes on macOS */
#else
    return (unsigned long)usage.ru_maxrss * 1024ul; /* kilobytes on Linux */
#endif
}
