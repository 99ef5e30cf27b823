// Compiles the template named by LATENT_TEMPLATE once per instruction set, every name
// through FN(...): latent_avx512_*, latent_avx2_* (x86-64 with clang) and latent_base_*.
// LATENT_DISPATCH(name, ...) then calls the build latent_kernels_level() picks.
//
//     #define LATENT_TEMPLATE "ElementwiseTemplate.h"
//     #include "Builds.h"
//
// Not include-guarded: each kernel file includes it once for its own template.
#if defined(__clang__) && defined(__x86_64__)
#define LATENT_X86_BUILDS 1

// prfchw: __builtin_prefetch(p, 1, …) becomes prefetchw (a line fetched for writing);
// every AVX2 CPU runs it, as a no-op where it lacks the feature (Haswell).
#define FN(name) latent_avx2_##name
#pragma clang attribute push(__attribute__((target("avx2,fma,prfchw"))), apply_to = function)
#include LATENT_TEMPLATE
#pragma clang attribute pop
#undef FN

// 512-bit vectors: clang's loop vectoriser uses zmm registers when asked to prefer them.
#define FN(name) latent_avx512_##name
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma,prfchw"), \
                                            min_vector_width(512))), apply_to = function)
#include LATENT_TEMPLATE
#pragma clang attribute pop
#undef FN
#endif

#ifndef LATENT_X86_BUILDS
#define LATENT_X86_BUILDS 0
#endif

#define FN(name) latent_base_##name
#include LATENT_TEMPLATE
#undef FN

#ifndef LATENT_DISPATCH
// LATENT_DISPATCH_AT(level, name, ...) calls the build of `level` (0 baseline, 1 AVX2,
// 2 AVX-512), which the caller has capped at what may run: the *_level entry points that
// tests use to compare the builds. LATENT_DISPATCH is it at latent_kernels_level().
#if LATENT_X86_BUILDS
#define LATENT_DISPATCH_AT(level, name, ...)                                    \
    ({                                                                          \
        int level_ = (level);                                                   \
        level_ >= 2   ? latent_avx512_##name(__VA_ARGS__)                       \
        : level_ == 1 ? latent_avx2_##name(__VA_ARGS__)                         \
                      : latent_base_##name(__VA_ARGS__);                        \
    })
#else
#define LATENT_DISPATCH_AT(level, name, ...) ((void)(level), latent_base_##name(__VA_ARGS__))
#endif
#define LATENT_DISPATCH(name, ...) LATENT_DISPATCH_AT(latent_kernels_level(), name, __VA_ARGS__)
#endif
