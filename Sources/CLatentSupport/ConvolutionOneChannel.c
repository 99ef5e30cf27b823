// Convolutions of one-channel images (the first layer of LeNet and of the denoiser):
// C = 1, so a pixel's F outputs are Σ_taps x[tap] · w[tap, 0..F) and there is no channel
// axis to vectorise the generic kernels over. Here the F ≤ 16 outputs of a pixel are one
// zmm register; each tap's weights are loaded once for four pixels, whose inputs are
// broadcast straight into the FMAs. Every pixel sums its taps in (kh, kw) order, one
// FMA chain, whichever group of four it falls in: an image's result never depends on the
// batch or the split.
#include "CLatentSupport.h"

#if defined(__clang__) && defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))

// One pixel with bounds checks (borders of `same` padding).
AVX512 static inline __m512 pixel_checked(const latent_conv_geometry *g, const float *image, const float *w, long F,
                                          __mmask16 mask, long oh, long ow) {
    __m512 acc = _mm512_setzero_ps();
    for (long kh = 0; kh < g->kh; kh++) {
        long ih = oh * g->sh + kh - g->pt;
        if (ih < 0 || ih >= g->h) continue;
        for (long kw = 0; kw < g->kw; kw++) {
            long iw = ow * g->sw + kw - g->pl;
            if (iw < 0 || iw >= g->w) continue;
            __m512 wt = _mm512_maskz_loadu_ps(mask, w + (kh * g->kw + kw) * F);
            acc = _mm512_fmadd_ps(_mm512_set1_ps(image[ih * g->w + iw]), wt, acc);
        }
    }
    return acc;
}

AVX512 static void forward_avx512(const latent_conv_geometry *g, const float *x, const float *w, float *y, long n0, long n1) {
    const long F = g->f, KW = g->kw, SW = g->sw;
    const __mmask16 mask = (__mmask16)((1u << F) - 1u);
    // Output columns whose taps all fall inside the image (same for every row).
    long owLo = 0, owHi = g->ow;
    while (owLo < g->ow && owLo * SW - g->pl < 0) owLo++;
    while (owHi > owLo && (owHi - 1) * SW - g->pl + KW > g->w) owHi--;
    for (long n = n0; n < n1; n++) {
        const float *image = x + n * g->h * g->w;
        for (long oh = 0; oh < g->oh; oh++) {
            float *yr = y + ((n * g->oh + oh) * g->ow) * F;
            long ih0 = oh * g->sh - g->pt;
            int rowsInside = ih0 >= 0 && ih0 + g->kh <= g->h;
            long ow = 0;
            if (rowsInside) {
                for (; ow < owLo; ow++) _mm512_mask_storeu_ps(yr + ow * F, mask, pixel_checked(g, image, w, F, mask, oh, ow));
                for (; ow + 4 <= owHi; ow += 4) {
                    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
                    const float *base = image + ih0 * g->w + ow * SW - g->pl;
                    for (long kh = 0; kh < g->kh; kh++) {
                        const float *xr = base + kh * g->w;
                        const float *wr = w + kh * KW * F;
                        for (long kw = 0; kw < KW; kw++) {
                            __m512 wt = _mm512_maskz_loadu_ps(mask, wr + kw * F);
                            a0 = _mm512_fmadd_ps(_mm512_set1_ps(xr[kw]), wt, a0);
                            a1 = _mm512_fmadd_ps(_mm512_set1_ps(xr[kw + SW]), wt, a1);
                            a2 = _mm512_fmadd_ps(_mm512_set1_ps(xr[kw + 2 * SW]), wt, a2);
                            a3 = _mm512_fmadd_ps(_mm512_set1_ps(xr[kw + 3 * SW]), wt, a3);
                        }
                    }
                    _mm512_mask_storeu_ps(yr + ow * F, mask, a0);
                    _mm512_mask_storeu_ps(yr + (ow + 1) * F, mask, a1);
                    _mm512_mask_storeu_ps(yr + (ow + 2) * F, mask, a2);
                    _mm512_mask_storeu_ps(yr + (ow + 3) * F, mask, a3);
                }
            }
            for (; ow < g->ow; ow++) _mm512_mask_storeu_ps(yr + ow * F, mask, pixel_checked(g, image, w, F, mask, oh, ow));
        }
    }
}
#endif

int latent_conv_forward_one_channel(const latent_conv_geometry *g, const float *x, const float *w, float *y, long n0, long n1) {
#if defined(__clang__) && defined(__x86_64__)
    if (g->c == 1 && g->f >= 2 && g->f <= 16 && latent_kernels_level() >= 2) {
        forward_avx512(g, x, w, y, n0, n1);
        return 1;
    }
#endif
    (void)g; (void)x; (void)w; (void)y; (void)n0; (void)n1;
    return 0;
}
