// A team of helper threads that spin briefly between jobs, then park.
//
// A training shard or a row block lasts 20–200 µs at the lessons' batch sizes. Handing it
// to a Dispatch worker wakes a sleeping thread and later wakes the caller again: on a VM
// each wake-up is an inter-processor interrupt and a trip through the scheduler. Helpers
// here wait for the next job spinning for a bounded time, then sleep on a condition
// variable.
//
// On a busy machine a helper may not get its core for milliseconds (another process runs
// there; under `taskset -c 0` both threads share one CPU). A job's parts are therefore
// not assigned to threads: every thread, the caller included, claims the next unclaimed
// part until none is left, so a caller whose helper has not been scheduled runs every
// part itself instead of waiting for it. The caller waits only for parts a helper has
// actually started, spinning for a bounded time and then parking until the helper that
// finishes the last part wakes it. (The old caller spun and then called sched_yield in a
// loop: on a core shared with a niced busy loop each yield handed that loop a time slice,
// and 2-thread training ran 6× slower than 1 thread.)
//
// The scheduler may put a helper on the caller's CPU while the other CPU sits idle (seen
// on a 2-vCPU KVM guest after a helper parked, and at its start): the helper then ran no
// part, or preempted the caller and ran both, and between jobs its spinning took half of
// the caller's CPU (fashion-ae trained at 54k samples/s on 2 threads against 106k on 1).
// A helper that finds itself on the caller's CPU when it takes a job therefore moves off
// it (latent_team_leave_cpu: one getcpu call when it is elsewhere).
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE  // sched_getcpu, pthread_setaffinity_np
#endif
#include "CLatentSystem.h"
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <stdatomic.h>
#include <stdint.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define CPU_RELAX() __asm__ __volatile__("yield")
#else
#define CPU_RELAX() ((void)0)
#endif

#define TEAM_MAX 64
#define HELPER_SPIN_NANOS 1000000L  // how long a helper spins for the next job before it parks
#define CALLER_SPIN_NANOS 100000L   // how long the caller spins for started parts before it parks

static pthread_mutex_t team_lock = PTHREAD_MUTEX_INITIALIZER;  // one job at a time
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sleep_cond = PTHREAD_COND_INITIALIZER;    // helpers wait here for a job
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;     // the caller waits here for parts
static long helpers;  // started so far (under team_lock)

// The job word: generation (high 32 bits) | threads (8 bits) | parts (12) | next unclaimed part (12).
// One word, so a helper that wakes late can never claim a part of a job that is over: its
// compare-and-swap fails once the generation moved on.
static _Atomic uint64_t job_word;
static _Atomic long parts_done;
static _Atomic int helpers_parked;
static _Atomic int caller_parked;
static latent_team_fn job_fn;  // written before the job word is published, stable until every part is done
static void *job_ctx;
static _Atomic long parks;  // how often the caller parked (for tests)
static _Atomic int caller_cpu = -1;  // where the caller published the current job

#define GEN(w) ((uint32_t)((w) >> 32))
#define THREADS(w) ((long)(((w) >> 24) & 0xFF))
#define PARTS(w) ((long)(((w) >> 12) & 0xFFF))
#define NEXT(w) ((long)((w)&0xFFF))
#define PARTS_MAX 0xFFF

int latent_current_cpu(void) {
#if defined(__linux__)
    return sched_getcpu();
#else
    return -1;
#endif
}

int latent_team_leave_cpu(int cpu) {
#if defined(__linux__)
    if (cpu < 0 || cpu >= CPU_SETSIZE || sched_getcpu() != cpu) return 0;
    cpu_set_t allowed, others;
    if (pthread_getaffinity_np(pthread_self(), sizeof allowed, &allowed) != 0) return 0;
    others = allowed;
    CPU_CLR(cpu, &others);
    if (CPU_COUNT(&others) == 0) return 0;  // this CPU is the only one allowed (taskset -c 0)
    // The kernel moves the thread before the call returns; the full mask is restored at
    // once, so the scheduler stays free to place it anywhere afterwards.
    int moved = pthread_setaffinity_np(pthread_self(), sizeof others, &others) == 0;
    pthread_setaffinity_np(pthread_self(), sizeof allowed, &allowed);
    return moved;
#else
    (void)cpu;
    return 0;
#endif
}

static long now_nanos(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

// Claims and runs parts of job `gen` until none is left; returns how many this thread ran.
static long run_parts(uint32_t gen) {
    long ran = 0;
    uint64_t w = atomic_load(&job_word);
    for (;;) {
        if (GEN(w) != gen || NEXT(w) >= PARTS(w)) return ran;
        if (!atomic_compare_exchange_weak(&job_word, &w, w + 1)) continue;
        job_fn(job_ctx, NEXT(w));
        ran++;
        long parts = PARTS(w);
        if (atomic_fetch_add(&parts_done, 1) + 1 == parts && atomic_load(&caller_parked)) {
            pthread_mutex_lock(&sleep_lock);
            pthread_cond_signal(&done_cond);
            pthread_mutex_unlock(&sleep_lock);
        }
        w = atomic_load(&job_word);
    }
}

typedef struct {
    long id;        // 1, 2, …: helpers with id ≥ a job's thread count sit it out
    uint32_t seen;  // the generation before this helper started
} helper_start;
static helper_start starts[TEAM_MAX];

static void *helper_main(void *arg) {
    long id = ((helper_start *)arg)->id;
    uint32_t seen = ((helper_start *)arg)->seen;
    latent_enable_flush_to_zero();             // Latent's own thread: the mode stays set
    for (;;) {
        uint32_t g;
        long spins = 0, idleSince = now_nanos();
        while ((g = GEN(atomic_load(&job_word))) == seen) {
            CPU_RELAX();
            // The clock every 256 pauses: a pause lasts 10–150 cycles depending on the CPU.
            if ((++spins & 255) != 0 || now_nanos() - idleSince < HELPER_SPIN_NANOS) continue;
            pthread_mutex_lock(&sleep_lock);
            atomic_fetch_add(&helpers_parked, 1);
            while (GEN(atomic_load(&job_word)) == seen) pthread_cond_wait(&sleep_cond, &sleep_lock);
            atomic_fetch_sub(&helpers_parked, 1);
            pthread_mutex_unlock(&sleep_lock);
            spins = 0;
            idleSince = now_nanos();
        }
        seen = g;
        if (id >= THREADS(atomic_load(&job_word))) continue;
        latent_team_leave_cpu(atomic_load(&caller_cpu));
        run_parts(g);
    }
    return NULL;
}

int latent_team_run(long parts, long threads, latent_team_fn fn, void *ctx) {
    if (parts <= 0) return 0;
    if (threads > parts) threads = parts;
    if (threads > TEAM_MAX) threads = TEAM_MAX;
    if (threads <= 1) {
        for (long p = 0; p < parts; p++) fn(ctx, p);
        return 0;
    }
    if (parts > PARTS_MAX || pthread_mutex_trylock(&team_lock) != 0) return -1;
    while (helpers < threads - 1) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 8 << 20);  // Swift code runs on it
        starts[helpers + 1] = (helper_start){helpers + 1, GEN(atomic_load(&job_word))};
        int failed = pthread_create(&t, &attr, helper_main, &starts[helpers + 1]);
        pthread_attr_destroy(&attr);
        if (failed) {
            if (helpers > 0) break;  // run on the helpers there are
            pthread_mutex_unlock(&team_lock);
            return -1;
        }
        helpers++;
    }
    // Every part of the previous job is done (the caller waited for them), so no thread
    // reads these fields now; the job word's store publishes them.
    job_fn = fn;
    job_ctx = ctx;
    atomic_store(&caller_cpu, latent_current_cpu());
    atomic_store(&parts_done, 0);
    uint32_t gen = GEN(atomic_load(&job_word)) + 1;
    atomic_store(&job_word, ((uint64_t)gen << 32) | ((uint64_t)threads << 24) | ((uint64_t)parts << 12));
    if (atomic_load(&helpers_parked) > 0) {
        pthread_mutex_lock(&sleep_lock);
        pthread_cond_broadcast(&sleep_cond);
        pthread_mutex_unlock(&sleep_lock);
    }
    run_parts(gen);
    // What is left are parts helpers have started: spin briefly, then park.
    long spins = 0, since = now_nanos();
    while (atomic_load(&parts_done) < parts) {
        CPU_RELAX();
        if ((++spins & 255) != 0 || now_nanos() - since < CALLER_SPIN_NANOS) continue;
        pthread_mutex_lock(&sleep_lock);
        atomic_store(&caller_parked, 1);  // before the check below: a finishing helper sees one or the other
        if (atomic_load(&parts_done) < parts) atomic_fetch_add(&parks, 1);
        while (atomic_load(&parts_done) < parts) pthread_cond_wait(&done_cond, &sleep_lock);
        atomic_store(&caller_parked, 0);
        pthread_mutex_unlock(&sleep_lock);
    }
    pthread_mutex_unlock(&team_lock);
    return 0;
}

long latent_team_caller_parks(void) { return atomic_load(&parks); }
