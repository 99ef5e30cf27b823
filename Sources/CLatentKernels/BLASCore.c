// OpenBLAS kernel selection on CPUs the linked OpenBLAS does not know.
//
// A DYNAMIC_ARCH OpenBLAS picks its kernels from the CPU model when it loads. Debian's
// 0.3.21 does not know recent Xeons (family 6 model 207 here) and falls back to its
// Prescott (SSE3) kernels: a quarter of the machine's sgemm rate. OPENBLAS_CORETYPE
// overrides the choice but is read only when the library loads, before any of Latent's
// code runs. OpenBLAS exports the two functions its loader uses, so the choice can be
// made again before the first BLAS call, the same way the variable would make it.
//
// The symbols are weak: with another BLAS (or an OpenBLAS built without DYNAMIC_ARCH)
// they are absent and nothing happens.
#include "CLatentKernels.h"
#include <stdlib.h>
#include <string.h>

extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));
extern char *openblas_get_corename(void) __attribute__((weak));

const char *latent_blas_core_name(void) {
    return openblas_get_corename ? openblas_get_corename() : "";
}

static int latent_core_uses_avx512(const char *core) {
    static const char *const known[] = {"SkylakeX", "Cooperlake", "SapphireRapids", "Zen4", "Zen5"};
    for (unsigned i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(core, known[i]) == 0) return 1;
    return 0;
}

int latent_blas_select_core(void) {
    if (!gotoblas_dynamic_init || !gotoblas_dynamic_quit || !openblas_get_corename) return 0;
    if (getenv("OPENBLAS_CORETYPE")) return 0;  // the user's choice stands
    if (latent_cpu_level() < 2 || latent_core_uses_avx512(openblas_get_corename())) return 0;
    // The loader reads the variable; set it for this one call and take it back, so child
    // processes see the environment they were given.
    setenv("OPENBLAS_CORETYPE", "SkylakeX", 1);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    unsetenv("OPENBLAS_CORETYPE");
    return 1;
}

// OpenBLAS starts its pool of worker threads when it loads, and a worker looks for work
// spinning on sched_yield for about 0.1 s before it sleeps: beside a process's first
// training steps and the thread choice's first probe, where it took a CPU from them
// (11 % of the samples of a 2-epoch ecg-ae bench run were its sched_yield). Latent's own
// GEMM gives that pool no work, so it is stopped as the program starts; OpenBLAS starts it
// again by itself at its next threaded call (as it does after a fork).
extern int blas_thread_shutdown_(void) __attribute__((weak));

__attribute__((constructor)) static void latent_blas_stop_idle_pool(void) {
    if (blas_thread_shutdown_) blas_thread_shutdown_();
}
