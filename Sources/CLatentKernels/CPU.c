// Which kernels run: what the CPU supports, detected once, capped by LATENT_KERNELS.
#include "CLatentKernels.h"
#include <stdlib.h>
#include <string.h>

int latent_cpu_level(void) {
    static int cached = -1;
    if (cached < 0) {
        int level = 0;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
        // The checks include the OS saving the vector state.
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = 1;
        if (level == 1 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
            __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")) level = 2;
#endif
        cached = level;
    }
    return cached;
}

int latent_kernels_level(void) {
    static int cached = -1;
    if (cached < 0) {
        int level = 0;
        // Only clang builds the AVX2 and AVX-512 kernels (Builds.h).
#if defined(__clang__) && defined(__x86_64__)
        level = latent_cpu_level();
        const char *cap = getenv("LATENT_KERNELS");
        if (cap && strcmp(cap, "avx2") == 0 && level > 1) level = 1;
        if (cap && strcmp(cap, "baseline") == 0) level = 0;
#endif
        cached = level;
    }
    return cached;
}
