// How many CPUs the scheduler lets this process run on (sched_getaffinity): `taskset -c 0`
// or a container's cpuset leaves fewer than the machine has, and a team sized to the
// machine would then put two spinning threads on one CPU.
#define _GNU_SOURCE
#include "CLatentSystem.h"
#include <unistd.h>
#if defined(__linux__)
#include <sched.h>
#endif

long latent_affinity_cpus(void) {
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
#endif
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? online : 1;
}
