// Prints the round trip of a cache line between CPUs 0 and 1 (two threads pinned there
// hand a counter back and forth), in nanoseconds: a guest cannot see where the host runs
// its vCPUs, and this tells. On the 2-vCPU AMD EPYC (Zen 4) guest of issue 20 it read
// 52–60 ns for most of a session (two cores sharing an L3) and 325–335 ns for minutes
// at a time (cores on different dies); in those minutes every store to a line the other
// CPU had read waited for it, and Adam's two-thread step took 260 µs instead of 55.
//
//   cc -O2 -pthread bench/vcpu_round_trip.c -o /tmp/vcpu_round_trip && /tmp/vcpu_round_trip
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

enum { ROUNDS = 200000 };
static _Alignas(64) atomic_long turn;

static int pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void *answer(void *unused) {
    (void)unused;
    pin(1);  // allowed: main checked
    for (long i = 0; i < ROUNDS; i++) {
        while (atomic_load_explicit(&turn, memory_order_acquire) != 2 * i + 1) {
        }
        atomic_store_explicit(&turn, 2 * i + 2, memory_order_release);
    }
    return NULL;
}

int main(void) {
    pthread_t other;
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0 || !CPU_ISSET(0, &allowed) || !CPU_ISSET(1, &allowed)
        || pin(0) != 0 || pthread_create(&other, NULL, answer, NULL) != 0) {
        printf("n/a\n");  // CPUs 0 and 1 are not both ours
        return 0;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < ROUNDS; i++) {
        atomic_store_explicit(&turn, 2 * i + 1, memory_order_release);
        while (atomic_load_explicit(&turn, memory_order_acquire) != 2 * i + 2) {
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    pthread_join(other, NULL);
    double ns = (end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec);
    printf("%.0f ns\n", ns / ROUNDS);
    return 0;
}
