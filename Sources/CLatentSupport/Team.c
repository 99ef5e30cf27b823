// A team of helper threads that spin briefly between jobs.
//
// A training shard or a row block lasts 20–200 µs at the lessons' batch sizes. Handing it
// to a Dispatch worker wakes a sleeping thread and later wakes the caller again: on a VM
// each wake-up is an inter-processor interrupt and a trip through the scheduler
// (measured: 2-thread fashion-ae training slower than 1 thread, __schedule high in the
// profile). Helpers here wait for the next job spinning for about a millisecond, then sleep
// on a condition variable; the caller spins on the helpers' completion.
#include "CLatentSupport.h"
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <stdatomic.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define CPU_RELAX() __asm__ __volatile__("yield")
#else
#define CPU_RELAX() ((void)0)
#endif

#define TEAM_MAX 64
#define SPIN_NANOS 2000000L  // how long a helper spins for the next job before it sleeps
#define SPIN_LIMIT 20000     // pauses before the caller yields its core while it waits

static pthread_mutex_t team_lock = PTHREAD_MUTEX_INITIALIZER;  // one job at a time
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sleep_cond = PTHREAD_COND_INITIALIZER;
static long helpers;  // started so far (under team_lock)
static _Atomic unsigned long generation;
static _Atomic int sleepers;
static _Atomic long pending;
static latent_team_fn job_fn;
static void *job_ctx;
static long job_workers;
static unsigned long start_generation[TEAM_MAX];  // the generation before a helper's first job

static long now_nanos(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void *helper_main(void *arg) {
    long id = (long)arg;
    unsigned long seen = start_generation[id];  // not a load here: the first job may already be out
    latent_enable_flush_to_zero();  // Latent's own thread: the mode stays set
    for (;;) {
        unsigned long g;
        long spins = 0, idleSince = now_nanos();
        while ((g = atomic_load(&generation)) == seen) {
            CPU_RELAX();
            // The clock every 256 pauses: a pause lasts 10–150 cycles depending on the CPU.
            if ((++spins & 255) != 0 || now_nanos() - idleSince < SPIN_NANOS) continue;
            pthread_mutex_lock(&sleep_lock);
            atomic_fetch_add(&sleepers, 1);
            while (atomic_load(&generation) == seen) pthread_cond_wait(&sleep_cond, &sleep_lock);
            atomic_fetch_sub(&sleepers, 1);
            pthread_mutex_unlock(&sleep_lock);
            spins = 0;
            idleSince = now_nanos();
        }
        seen = g;
        // Every helper acknowledges every job, so the next job cannot be published while a
        // helper still reads this one's fields.
        if (id < job_workers) job_fn(job_ctx, id);
        atomic_fetch_sub(&pending, 1);
    }
    return NULL;
}

int latent_team_run(long workers, latent_team_fn fn, void *ctx) {
    if (workers <= 1) {
        fn(ctx, 0);
        return 0;
    }
    if (workers > TEAM_MAX || pthread_mutex_trylock(&team_lock) != 0) return -1;
    while (helpers < workers - 1) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 8 << 20);  // Swift code runs on it
        start_generation[helpers + 1] = atomic_load(&generation);
        int failed = pthread_create(&t, &attr, helper_main, (void *)(helpers + 1));
        pthread_attr_destroy(&attr);
        if (failed) {
            pthread_mutex_unlock(&team_lock);
            return -1;
        }
        helpers++;
    }
    job_fn = fn;
    job_ctx = ctx;
    job_workers = workers;
    atomic_store(&pending, helpers);
    atomic_fetch_add(&generation, 1);  // publishes the job (sequentially consistent)
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&sleep_lock);
        pthread_cond_broadcast(&sleep_cond);
        pthread_mutex_unlock(&sleep_lock);
    }
    fn(ctx, 0);
    for (long spins = 0; atomic_load(&pending) > 0; spins++) {
        if (spins < SPIN_LIMIT) CPU_RELAX();
        else sched_yield();
    }
    pthread_mutex_unlock(&team_lock);
    return 0;
}
