// Max pooling (PoolingTemplate.h), one build per instruction set, chosen at run time.
#include "CLatentKernels.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LATENT_TEMPLATE "PoolingTemplate.h"
#include "Builds.h"

#if LATENT_X86_BUILDS
#include <immintrin.h>

// The maxima alone (no argmax: inference) with AVX-512, an output pixel's channels 16 at a
// time under a mask: its window's kh·kw loads, no row buffers (LeNet's 10 and 20 channels
// went through the template's runtime-length loops, 10 % of its scoring). The template's
// order and comparisons: window rows first (r > m ? r : m is maxps(r, m)), then columns
// (v > o ? v : o): the same bits, NaNs and zeros' signs included.
__attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma"))) static void
maxpool_values_avx512(const latent_conv_geometry *g, const float *x, float *y, long n0, long n1) {
    const long C = g->c, rowFloats = g->w * C;
    for (long n = n0; n < n1; n++)
        for (long oy = 0; oy < g->oh; oy++)
            for (long ox = 0; ox < g->ow; ox++) {
                const float *window = x + ((n * g->h + oy * g->sh) * g->w + ox * g->sw) * C;
                float *out = y + ((n * g->oh + oy) * g->ow + ox) * C;
                for (long c0 = 0; c0 < C; c0 += 16) {
                    const __mmask16 lanes = C - c0 >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (C - c0)) - 1u);
                    __m512 o = _mm512_setzero_ps();
                    for (long kx = 0; kx < g->kw; kx++) {
                        const float *column = window + kx * C + c0;
                        __m512 m = _mm512_maskz_loadu_ps(lanes, column);
                        for (long ky = 1; ky < g->kh; ky++)
                            m = _mm512_max_ps(_mm512_maskz_loadu_ps(lanes, column + ky * rowFloats), m);
                        o = kx == 0 ? m : _mm512_max_ps(m, o);
                    }
                    _mm512_mask_storeu_ps(out + c0, lanes, o);
                }
            }
}
#endif

int latent_maxpool_forward(const latent_conv_geometry *g, const float *x, float *y, int32_t *arg, long n0, long n1) {
#if LATENT_X86_BUILDS
    if (!arg && latent_kernels_level() >= 2) {
        maxpool_values_avx512(g, x, y, n0, n1);
        return 0;
    }
#endif
    return LATENT_DISPATCH(maxpool_forward, g, x, y, arg, n0, n1);
}
