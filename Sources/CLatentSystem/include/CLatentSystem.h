#ifndef CLATENT_SYSTEM_H
#define CLATENT_SYSTEM_H

// What Swift cannot say itself about the process and its threads: the floating-point
// control register, thread-local state, a team of helper threads, glibc's allocator, the
// CPUs the scheduler allows, an atomic exchange of two paths. No maths here: the kernels
// are in CLatentKernels.

// ---- Float mode (FloatMode.c) ----------------------------------------------------------

/// Turns on flush-to-zero and denormals-are-zero for the calling thread.
/// Denormal floats make training loops an order of magnitude slower on x86.
/// Returns the previous control word so it can be restored.
unsigned long latent_enable_flush_to_zero(void);
/// Restores a control word returned by latent_enable_flush_to_zero.
void latent_restore_float_mode(unsigned long previous);

// ---- Memory (Allocator.c) --------------------------------------------------------------

/// Peak resident set size of this process in bytes (0 when unknown).
unsigned long latent_peak_rss_bytes(void);
/// Once per process: keeps glibc from returning freed tensor-sized blocks to the system
/// between training steps (fixed mmap and trim thresholds). No-op elsewhere.
void latent_tune_allocator(void);

// ---- Files (RenameExchange.c) ----------------------------------------------------------

/// Swaps the two paths (files or directories) in one atomic step: renameat2 with
/// RENAME_EXCHANGE on Linux, renamex_np with RENAME_SWAP on macOS. Returns 0, or -1 with
/// errno set (ENOSYS or EINVAL where the platform or file system cannot do it).
int latent_rename_exchange(const char *first, const char *second);

// ---- Thread state (ThreadState.c) ------------------------------------------------------

/// 1 while the calling thread runs one block of a row-blocked inference or one shard of
/// a data-parallel training step: the engine's loops then stay on this thread instead of
/// splitting across threads again.
int latent_thread_is_serial(void);
/// Sets the calling thread's serial flag; returns the previous value.
int latent_thread_set_serial(int serial);
/// The batch shard the calling thread is training (0 outside a data-parallel step): shard
/// k > 0 reads the parameters through its own gradient leaves.
int latent_thread_shard(void);
/// Sets the calling thread's shard; returns the previous value.
int latent_thread_set_shard(int shard);
/// Counts one training step run on several threads (1: shards side by side or ops split)
/// or on one (0); latent_shard_steps reads the counts (process-wide, for `latent bench`).
void latent_count_shard_step(int side_by_side);
long latent_shard_steps(int side_by_side);

// ---- Threads (Team.c, AffinityCPUs.c) --------------------------------------------------

/// A job for latent_team_run: called once per part index.
typedef void (*latent_team_fn)(void *ctx, long part);
/// Runs fn(ctx, 0…parts−1), each part exactly once, on the calling thread and up to
/// threads − 1 of Latent's helper threads (FTZ/DAZ set; they spin ~1 ms between jobs, then
/// park), returning when all are done. Parts are claimed, not assigned: any thread may run
/// any part, and the caller runs them all when no helper gets a CPU in time. Returns −1
/// without running anything when another job holds the team or no helper can be started:
/// the caller then runs the work another way.
int latent_team_run(long parts, long threads, latent_team_fn fn, void *ctx);
/// How often a caller of latent_team_run has parked waiting for a helper (for tests).
long latent_team_caller_parks(void);
/// Moves the calling thread off CPU `cpu` when it runs there and another CPU is allowed,
/// restoring its affinity mask at once; returns 1 when it moved. Helpers call it on their
/// jobs, with the caller's CPU. Linux only (0 elsewhere).
int latent_team_leave_cpu(int cpu);
/// The CPU the calling thread runs on now (sched_getcpu), −1 where unknown.
int latent_current_cpu(void);
/// The CPUs this process may run on (sched_getaffinity; the online CPUs elsewhere).
long latent_affinity_cpus(void);

#endif
