// Max pooling (PoolingTemplate.h), one build per instruction set, chosen at run time.
#include "CLatentKernels.h"
#include "Lanes.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LATENT_TEMPLATE "PoolingTemplate.h"
#include "Builds.h"

#if LATENT_X86_BUILDS
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma")))

// With AVX-512, an output pixel's channels 16 at a time under a mask: its window's kh·kw
// loads, no row buffers (LeNet's 10 and 20 channels went through the template's
// runtime-length loops: 10 % of its scoring, 7 % of its training). The template's order
// and comparisons, so the same bits, NaNs and zeros' signs included: window rows first
// (a row's value wins when greater: r > m ? r : m is maxps(r, m)), then columns (a
// value wins when greater, or equal with a lower index when the argmax is wanted).
AVX512 static void maxpool_avx512(const latent_conv_geometry *g, const float *x, float *y, int32_t *arg, long n0,
                                  long n1) {
    const long C = g->c, rowFloats = g->w * C;
    const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    for (long n = n0; n < n1; n++)
        for (long oy = 0; oy < g->oh; oy++)
            for (long ox = 0; ox < g->ow; ox++) {
                const long first = ((n * g->h + oy * g->sh) * g->w + ox * g->sw) * C;
                const long o = ((n * g->oh + oy) * g->ow + ox) * C;
                for (long c0 = 0; c0 < C; c0 += 16) {
                    const __mmask16 lanes = latent_first_lanes(C - c0);
                    __m512 out = _mm512_setzero_ps();
                    __m512i at = _mm512_setzero_si512();
                    for (long kx = 0; kx < g->kw; kx++) {
                        const long column = first + kx * C + c0;
                        __m512 m = _mm512_maskz_loadu_ps(lanes, x + column);
                        if (!arg) {
                            for (long ky = 1; ky < g->kh; ky++)
                                m = _mm512_max_ps(_mm512_maskz_loadu_ps(lanes, x + column + ky * rowFloats), m);
                            out = kx == 0 ? m : _mm512_max_ps(m, out);
                            continue;
                        }
                        __m512i a = _mm512_add_epi32(lane, _mm512_set1_epi32((int32_t)column));
                        for (long ky = 1; ky < g->kh; ky++) {
                            const long row = column + ky * rowFloats;
                            const __m512 r = _mm512_maskz_loadu_ps(lanes, x + row);
                            const __mmask16 better = _mm512_cmp_ps_mask(r, m, _CMP_GT_OQ);
                            m = _mm512_mask_blend_ps(better, m, r);
                            a = _mm512_mask_blend_epi32(better, a, _mm512_add_epi32(lane, _mm512_set1_epi32((int32_t)row)));
                        }
                        if (kx == 0) {
                            out = m;
                            at = a;
                            continue;
                        }
                        const __mmask16 better = _mm512_cmp_ps_mask(m, out, _CMP_GT_OQ) |
                                                 (_mm512_cmp_ps_mask(m, out, _CMP_EQ_OQ) &
                                                  _mm512_cmplt_epi32_mask(a, at));
                        out = _mm512_mask_blend_ps(better, out, m);
                        at = _mm512_mask_blend_epi32(better, at, a);
                    }
                    _mm512_mask_storeu_ps(y + o + c0, lanes, out);
                    if (arg) _mm512_mask_storeu_epi32(arg + o + c0, lanes, at);
                }
            }
}
#endif

#if LATENT_X86_BUILDS
// dx[arg[k]] = 0 + g[k] (relu: 0 where y[k] is not above 0) for indices that never repeat:
// 16 at a time through a scatter, the scalar loop's values.
AVX512 static void maxpool_backward_unique_avx512(const int32_t *arg, const float *g, const float *y, int relu,
                                                   long count, float *dx) {
    const __m512 zero = _mm512_setzero_ps();
    long k = 0;
    for (; k < count; k += 16) {
        const __mmask16 lanes = latent_first_lanes(count - k);
        __m512 v = _mm512_add_ps(zero, _mm512_maskz_loadu_ps(lanes, g + k));
        if (relu) v = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(_mm512_maskz_loadu_ps(lanes, y + k), zero, _CMP_GT_OQ), v);
        _mm512_mask_i32scatter_ps(dx, lanes, _mm512_maskz_loadu_epi32(lanes, arg + k), v, 4);
    }
}
#endif

void latent_maxpool_backward(const int32_t *arg, const float *g, const float *y, int relu, int unique, long count,
                             float *dx, long size) {
    memset(dx, 0, (size_t)size * sizeof(float));
#if LATENT_X86_BUILDS
    if (unique && latent_kernels_level() >= 2) {
        maxpool_backward_unique_avx512(arg, g, y, relu, count, dx);
        return;
    }
#endif
    for (long k = 0; k < count; k++) dx[arg[k]] += g[k];
    if (relu)
        for (long k = 0; k < count; k++)
            if (!(y[k] > 0)) dx[arg[k]] = 0.0f;
}

int latent_maxpool_forward_level(int level, const latent_conv_geometry *g, const float *x, float *y, int32_t *arg,
                                 long n0, long n1) {
    if (level > latent_cpu_level()) level = latent_cpu_level();
#if LATENT_X86_BUILDS
    if (level >= 2) {
        maxpool_avx512(g, x, y, arg, n0, n1);
        return 0;
    }
#endif
    return LATENT_DISPATCH_AT(level, maxpool_forward, g, x, y, arg, n0, n1);
}

int latent_maxpool_forward(const latent_conv_geometry *g, const float *x, float *y, int32_t *arg, long n0, long n1) {
    return latent_maxpool_forward_level(latent_kernels_level(), g, x, y, arg, n0, n1);
}
