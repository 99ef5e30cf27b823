// Convolutions with one input channel (the first layer of LeNet and of the denoiser) or
// one output channel (the denoiser's last), AVX-512 only; the generic kernels in
// KernelsTemplate.h vectorise over channels and have almost none to work with here.
//
// One input channel:
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

// dw[tap, 0..F) += Σ_pixels x[pixel(tap)] · gy[pixel, 0..F) for one-channel input: per
// image, a pixel's output gradient is one register and each tap accumulates in order.
AVX512 static void weight_c1_avx512(const latent_conv_geometry *g, const float *x, const float *gy, float *dw, long n0, long n1) {
    const long F = g->f, taps = g->kh * g->kw;
    const __mmask16 mask = (__mmask16)((1u << F) - 1u);
    __m512 acc[64];
    for (long t = 0; t < taps; t++) acc[t] = _mm512_setzero_ps();
    for (long n = n0; n < n1; n++) {
        const float *image = x + n * g->h * g->w;
        for (long oh = 0; oh < g->oh; oh++)
        for (long ow = 0; ow < g->ow; ow++) {
            __m512 gv = _mm512_maskz_loadu_ps(mask, gy + ((n * g->oh + oh) * g->ow + ow) * F);
            for (long kh = 0; kh < g->kh; kh++) {
                long ih = oh * g->sh + kh - g->pt;
                if (ih < 0 || ih >= g->h) continue;
                for (long kw = 0; kw < g->kw; kw++) {
                    long iw = ow * g->sw + kw - g->pl;
                    if (iw < 0 || iw >= g->w) continue;
                    long t = kh * g->kw + kw;
                    acc[t] = _mm512_fmadd_ps(_mm512_set1_ps(image[ih * g->w + iw]), gv, acc[t]);
                }
            }
        }
    }
    for (long t = 0; t < taps; t++)
        _mm512_mask_storeu_ps(dw + t * F, mask, _mm512_add_ps(_mm512_maskz_loadu_ps(mask, dw + t * F), acc[t]));
}

// ---- One output channel (the denoiser's last layer: C = 16 → F = 1) -----------------
// A tap's C ≤ 16 input channels are one register: forward is a dot product per pixel,
// the input gradient an axpy per tap, the weight gradient one accumulator per tap.

AVX512 static void forward_f1_avx512(const latent_conv_geometry *g, const float *x, const float *w, float *y, long n0, long n1) {
    const long C = g->c;
    const __mmask16 mask = (__mmask16)((1u << C) - 1u);
    for (long n = n0; n < n1; n++)
    for (long oh = 0; oh < g->oh; oh++)
    for (long ow = 0; ow < g->ow; ow++) {
        __m512 acc = _mm512_setzero_ps();
        for (long kh = 0; kh < g->kh; kh++) {
            long ih = oh * g->sh + kh - g->pt;
            if (ih < 0 || ih >= g->h) continue;
            for (long kw = 0; kw < g->kw; kw++) {
                long iw = ow * g->sw + kw - g->pl;
                if (iw < 0 || iw >= g->w) continue;
                __m512 xv = _mm512_maskz_loadu_ps(mask, x + ((n * g->h + ih) * g->w + iw) * C);
                acc = _mm512_fmadd_ps(xv, _mm512_maskz_loadu_ps(mask, w + (kh * g->kw + kw) * C), acc);
            }
        }
        y[(n * g->oh + oh) * g->ow + ow] = _mm512_reduce_add_ps(acc);
    }
}

AVX512 static void input_f1_avx512(const latent_conv_geometry *g, const float *gy, const float *wt, float *dx, long n0, long n1) {
    const long C = g->c;
    const __mmask16 mask = (__mmask16)((1u << C) - 1u);
    for (long i = n0 * g->h * g->w * C; i < n1 * g->h * g->w * C; i++) dx[i] = 0.0f;
    for (long n = n0; n < n1; n++)
    for (long oh = 0; oh < g->oh; oh++)
    for (long ow = 0; ow < g->ow; ow++) {
        __m512 gv = _mm512_set1_ps(gy[(n * g->oh + oh) * g->ow + ow]);
        for (long kh = 0; kh < g->kh; kh++) {
            long ih = oh * g->sh + kh - g->pt;
            if (ih < 0 || ih >= g->h) continue;
            for (long kw = 0; kw < g->kw; kw++) {
                long iw = ow * g->sw + kw - g->pl;
                if (iw < 0 || iw >= g->w) continue;
                float *d = dx + ((n * g->h + ih) * g->w + iw) * C;
                __m512 v = _mm512_fmadd_ps(gv, _mm512_maskz_loadu_ps(mask, wt + (kh * g->kw + kw) * C), _mm512_maskz_loadu_ps(mask, d));
                _mm512_mask_storeu_ps(d, mask, v);
            }
        }
    }
}

AVX512 static void weight_f1_avx512(const latent_conv_geometry *g, const float *x, const float *gy, float *dw, long n0, long n1) {
    const long C = g->c, taps = g->kh * g->kw;
    const __mmask16 mask = (__mmask16)((1u << C) - 1u);
    __m512 acc[64];
    for (long t = 0; t < taps; t++) acc[t] = _mm512_setzero_ps();
    for (long n = n0; n < n1; n++)
    for (long oh = 0; oh < g->oh; oh++)
    for (long ow = 0; ow < g->ow; ow++) {
        __m512 gv = _mm512_set1_ps(gy[(n * g->oh + oh) * g->ow + ow]);
        for (long kh = 0; kh < g->kh; kh++) {
            long ih = oh * g->sh + kh - g->pt;
            if (ih < 0 || ih >= g->h) continue;
            for (long kw = 0; kw < g->kw; kw++) {
                long iw = ow * g->sw + kw - g->pl;
                if (iw < 0 || iw >= g->w) continue;
                long t = kh * g->kw + kw;
                acc[t] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, x + ((n * g->h + ih) * g->w + iw) * C), gv, acc[t]);
            }
        }
    }
    for (long t = 0; t < taps; t++)
        _mm512_mask_storeu_ps(dw + t * C, mask, _mm512_add_ps(_mm512_maskz_loadu_ps(mask, dw + t * C), acc[t]));
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

int latent_conv_backward_weight_special(const latent_conv_geometry *g, const float *x, const float *gy, float *dw, long n0, long n1) {
#if defined(__clang__) && defined(__x86_64__)
    if (latent_kernels_level() >= 2 && g->kh * g->kw <= 64) {
        if (g->c == 1 && g->f >= 2 && g->f <= 16) { weight_c1_avx512(g, x, gy, dw, n0, n1); return 1; }
        if (g->f == 1 && g->c >= 2 && g->c <= 16) { weight_f1_avx512(g, x, gy, dw, n0, n1); return 1; }
    }
#endif
    (void)g; (void)x; (void)gy; (void)dw; (void)n0; (void)n1;
    return 0;
}

int latent_conv_forward_one_output(const latent_conv_geometry *g, const float *x, const float *w, float *y, long n0, long n1) {
#if defined(__clang__) && defined(__x86_64__)
    if (g->f == 1 && g->c >= 2 && g->c <= 16 && latent_kernels_level() >= 2) { forward_f1_avx512(g, x, w, y, n0, n1); return 1; }
#endif
    (void)g; (void)x; (void)w; (void)y; (void)n0; (void)n1;
    return 0;
}

int latent_conv_backward_input_one_output(const latent_conv_geometry *g, const float *gy, const float *wt, float *dx, long n0, long n1) {
#if defined(__clang__) && defined(__x86_64__)
    if (g->f == 1 && g->c >= 2 && g->c <= 16 && latent_kernels_level() >= 2) { input_f1_avx512(g, gy, wt, dx, n0, n1); return 1; }
#endif
    (void)g; (void)gy; (void)wt; (void)dx; (void)n0; (void)n1;
    return 0;
}
