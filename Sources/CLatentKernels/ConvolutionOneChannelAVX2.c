// The one-channel convolutions (one input channel, one output channel) and their weight
// gradient for AVX2 machines
// (ConvolutionOneChannel.c has them for AVX-512). Without them an AVX2 machine ran the
// generic kernels, which vectorise over input channels and have one here: LeNet scored
// 18k rows/s at LATENT_KERNELS=avx2 against 51k at avx512, half of it in its first layer.
//
// A pixel's F ≤ 16 outputs are two ymm halves (masked loads and stores past F). Each
// output lane sums its taps in (kh, kw) order, one FMA chain, as the AVX-512 kernels do,
// so both give the same bits.
#include "ConvolutionOneChannel.h"
#include "Window.h"

#if defined(__clang__) && defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))

// Lanes 0..<n (n ≤ 8, below 0 none) of a ymm mask.
AVX2 static inline __m256i lanes(long n) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n < 0 ? 0 : n > 8 ? 8 : n)), index);
}

typedef struct {
    __m256 lo, hi;
} pair;

// act(v + bias) before the store, the ops latent_bias_act does in its order.
AVX2 static inline __m256 finish(__m256 v, __m256 bias, int hasBias, int relu) {
    if (hasBias) v = _mm256_add_ps(v, bias);
    return relu ? _mm256_max_ps(v, _mm256_setzero_ps()) : v;
}

AVX2 static inline void store(float *y, pair v, __m256i mlo, __m256i mhi, pair bias, int hasBias, int relu) {
    _mm256_maskstore_ps(y, mlo, finish(v.lo, bias.lo, hasBias, relu));
    _mm256_maskstore_ps(y + 8, mhi, finish(v.hi, bias.hi, hasBias, relu));
}

// One pixel with bounds checks (borders of `same` padding).
AVX2 static inline pair pixel_checked(const latent_conv_geometry *g, const float *image, const float *w, long F,
                                      __m256i mlo, __m256i mhi, long oh, long ow) {
    pair acc = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    LATENT_FOR_EACH_TAP_INSIDE(g, oh, ow, t, p) {
        __m256 xv = _mm256_set1_ps(image[p]);
        acc.lo = _mm256_fmadd_ps(xv, _mm256_maskload_ps(w + t * F, mlo), acc.lo);
        acc.hi = _mm256_fmadd_ps(xv, _mm256_maskload_ps(w + t * F + 8, mhi), acc.hi);
    }
    return acc;
}

AVX2 void latent_avx2_conv_forward_one_input(const latent_conv_geometry *g, const float *x, const float *w,
                                             const float *bias, int relu, float *y, long n0, long n1) {
    const long F = g->f, KW = g->kw, SW = g->sw;
    const __m256i mlo = lanes(F), mhi = lanes(F - 8);
    const int hasBias = bias != NULL;
    const pair b = {hasBias ? _mm256_maskload_ps(bias, mlo) : _mm256_setzero_ps(),
                    hasBias ? _mm256_maskload_ps(bias + 8, mhi) : _mm256_setzero_ps()};
    long owLo, owHi;
    latent_inside_columns(g, &owLo, &owHi);
    for (long n = n0; n < n1; n++) {
        const float *image = x + n * g->h * g->w;
        for (long oh = 0; oh < g->oh; oh++) {
            float *yr = y + ((n * g->oh + oh) * g->ow) * F;
            long ih0 = oh * g->sh - g->pt;
            long ow = 0;
            if (ih0 >= 0 && ih0 + g->kh <= g->h) {
                for (; ow < owLo; ow++)
                    store(yr + ow * F, pixel_checked(g, image, w, F, mlo, mhi, oh, ow), mlo, mhi, b, hasBias, relu);
                for (; ow + 4 <= owHi; ow += 4) {
                    pair a0 = {_mm256_setzero_ps(), _mm256_setzero_ps()}, a1 = a0, a2 = a0, a3 = a0;
                    const float *base = image + ih0 * g->w + ow * SW - g->pl;
                    for (long kh = 0; kh < g->kh; kh++) {
                        const float *xr = base + kh * g->w;
                        const float *wr = w + kh * KW * F;
                        for (long kw = 0; kw < KW; kw++) {
                            __m256 wl = _mm256_maskload_ps(wr + kw * F, mlo);
                            __m256 wh = _mm256_maskload_ps(wr + kw * F + 8, mhi);
                            __m256 x0 = _mm256_set1_ps(xr[kw]), x1 = _mm256_set1_ps(xr[kw + SW]);
                            __m256 x2 = _mm256_set1_ps(xr[kw + 2 * SW]), x3 = _mm256_set1_ps(xr[kw + 3 * SW]);
                            a0.lo = _mm256_fmadd_ps(x0, wl, a0.lo);
                            a0.hi = _mm256_fmadd_ps(x0, wh, a0.hi);
                            a1.lo = _mm256_fmadd_ps(x1, wl, a1.lo);
                            a1.hi = _mm256_fmadd_ps(x1, wh, a1.hi);
                            a2.lo = _mm256_fmadd_ps(x2, wl, a2.lo);
                            a2.hi = _mm256_fmadd_ps(x2, wh, a2.hi);
                            a3.lo = _mm256_fmadd_ps(x3, wl, a3.lo);
                            a3.hi = _mm256_fmadd_ps(x3, wh, a3.hi);
                        }
                    }
                    store(yr + ow * F, a0, mlo, mhi, b, hasBias, relu);
                    store(yr + (ow + 1) * F, a1, mlo, mhi, b, hasBias, relu);
                    store(yr + (ow + 2) * F, a2, mlo, mhi, b, hasBias, relu);
                    store(yr + (ow + 3) * F, a3, mlo, mhi, b, hasBias, relu);
                }
            }
            for (; ow < g->ow; ow++)
                store(yr + ow * F, pixel_checked(g, image, w, F, mlo, mhi, oh, ow), mlo, mhi, b, hasBias, relu);
        }
    }
}

// ---- One output channel (the denoiser's last layer: C = 16 → F = 1) -----------------
// A tap's C ≤ 16 input channels are a pair of registers; a pixel's sum is reduced as
// _mm512_reduce_add_ps reduces a zmm (halves added: 16 → 8 → 4 → 2 → 1 lanes), so the
// bits are the AVX-512 kernel's.
AVX2 static inline float reduce(pair v) {
    __m256 t = _mm256_add_ps(v.lo, v.hi);
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_movehdup_ps(q));
    return _mm_cvtss_f32(q);
}

// One pixel's dot product over its taps' C ≤ 16 channels; taps outside are skipped.
AVX2 static inline pair f1_pixel(const latent_conv_geometry *g, const float *x, const float *w, __m256i mlo,
                                 __m256i mhi, long n, long oh, long ow) {
    const long C = g->c;
    pair acc = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    LATENT_FOR_EACH_TAP_INSIDE(g, oh, ow, t, p) {
        const float *xp = x + (n * g->h * g->w + p) * C;
        acc.lo = _mm256_fmadd_ps(_mm256_maskload_ps(xp, mlo), _mm256_maskload_ps(w + t * C, mlo), acc.lo);
        acc.hi = _mm256_fmadd_ps(_mm256_maskload_ps(xp + 8, mhi), _mm256_maskload_ps(w + t * C + 8, mhi), acc.hi);
    }
    return acc;
}

AVX2 void latent_avx2_conv_forward_one_output(const latent_conv_geometry *g, const float *x, const float *w, float *y,
                                              long n0, long n1) {
    const long C = g->c, SW = g->sw;
    const __m256i mlo = lanes(C), mhi = lanes(C - 8);
    long owLo, owHi;
    latent_inside_columns(g, &owLo, &owHi);
    for (long n = n0; n < n1; n++)
    for (long oh = 0; oh < g->oh; oh++) {
        float *yr = y + (n * g->oh + oh) * g->ow;
        long ih0 = oh * g->sh - g->pt;
        long ow = 0;
        if (ih0 >= 0 && ih0 + g->kh <= g->h) {
            for (; ow < owLo; ow++) yr[ow] = reduce(f1_pixel(g, x, w, mlo, mhi, n, oh, ow));
            for (; ow + 2 <= owHi; ow += 2) {
                pair a0 = {_mm256_setzero_ps(), _mm256_setzero_ps()}, a1 = a0;
                for (long kh = 0; kh < g->kh; kh++) {
                    const float *xr = x + ((n * g->h + ih0 + kh) * g->w + ow * SW - g->pl) * C;
                    for (long kw = 0; kw < g->kw; kw++) {
                        const float *wt = w + (kh * g->kw + kw) * C;
                        __m256 wl = _mm256_maskload_ps(wt, mlo), wh = _mm256_maskload_ps(wt + 8, mhi);
                        const float *x0 = xr + kw * C, *x1 = xr + (kw + SW) * C;
                        a0.lo = _mm256_fmadd_ps(_mm256_maskload_ps(x0, mlo), wl, a0.lo);
                        a0.hi = _mm256_fmadd_ps(_mm256_maskload_ps(x0 + 8, mhi), wh, a0.hi);
                        a1.lo = _mm256_fmadd_ps(_mm256_maskload_ps(x1, mlo), wl, a1.lo);
                        a1.hi = _mm256_fmadd_ps(_mm256_maskload_ps(x1 + 8, mhi), wh, a1.hi);
                    }
                }
                yr[ow] = reduce(a0);
                yr[ow + 1] = reduce(a1);
            }
        }
        for (; ow < g->ow; ow++) yr[ow] = reduce(f1_pixel(g, x, w, mlo, mhi, n, oh, ow));
    }
}

// The weight gradient when one side has a single channel: dw[tap, 0..L) += Σ_pixels of
// x[pixel(tap)] (broadcast) · gy[pixel, 0..L) for one input channel (L = F), or of
// x[pixel(tap), 0..L) · gy[pixel] (broadcast) for one output channel (L = C). Each tap
// accumulates in its own pair of registers, pixels in order.
//
// 16 ymm registers hold one kernel row's taps (5 pairs), not all 25: for 3×3 and 5×5
// kernels the taps go row by row, each kernel row over every pixel in order, its sums in
// registers across a row's inside columns (in memory, each FMA waited on the last one's
// store). A tap still adds the pixels in order: the bits of the AVX-512 kernel.
AVX2 static inline __attribute__((always_inline)) void weight_row_run(const int KW, const int oneInput,
                                                                      const latent_conv_geometry *g,
                                                                      const float *image, const float *gr, long ih,
                                                                      long ow0, long ow1, pair *accmem, __m256i mlo,
                                                                      __m256i mhi) {
    pair a[5];
#pragma clang loop unroll(full)
    for (int t = 0; t < KW; t++) a[t] = accmem[t];
    const long W = g->w, C = g->c, F = g->f;
    for (long ow = ow0; ow < ow1; ow++) {
        const float *go = gr + ow * (oneInput ? F : 1);
        pair gv = oneInput ? (pair){_mm256_maskload_ps(go, mlo), _mm256_maskload_ps(go + 8, mhi)}
                           : (pair){_mm256_set1_ps(*go), _mm256_set1_ps(*go)};
        const float *base = image + (ih * W + ow * g->sw - g->pl) * C;
#pragma clang loop unroll(full)
        for (int kw = 0; kw < KW; kw++) {
            const float *xp = base + kw * C;
            pair xv = oneInput ? (pair){_mm256_set1_ps(*xp), _mm256_set1_ps(*xp)}
                               : (pair){_mm256_maskload_ps(xp, mlo), _mm256_maskload_ps(xp + 8, mhi)};
            a[kw].lo = _mm256_fmadd_ps(xv.lo, gv.lo, a[kw].lo);
            a[kw].hi = _mm256_fmadd_ps(xv.hi, gv.hi, a[kw].hi);
        }
    }
#pragma clang loop unroll(full)
    for (int t = 0; t < KW; t++) accmem[t] = a[t];
}

typedef void (*weight_row_fn)(const latent_conv_geometry *, const float *, const float *, long, long, long, pair *,
                              __m256i, __m256i);
#define WEIGHT_ROW(KW, ONE_IN)                                                                                 \
    AVX2 static void weight_row_##KW##_##ONE_IN(const latent_conv_geometry *g, const float *image, const float *gr, \
                                                long ih, long ow0, long ow1, pair *acc, __m256i mlo,            \
                                                __m256i mhi) {                                                  \
        weight_row_run(KW, ONE_IN, g, image, gr, ih, ow0, ow1, acc, mlo, mhi);                                 \
    }
WEIGHT_ROW(3, 0)
WEIGHT_ROW(3, 1)
WEIGHT_ROW(5, 0)
WEIGHT_ROW(5, 1)

AVX2 void latent_avx2_conv_backward_weight_single(const latent_conv_geometry *g, const float *x, const float *gy,
                                                  float *dw, long n0, long n1, int oneInput) {
    const long L = oneInput ? g->f : g->c, taps = g->kh * g->kw, gs = oneInput ? g->f : 1;
    const __m256i mlo = lanes(L), mhi = lanes(L - 8);
    pair acc[64];
    for (long t = 0; t < taps; t++) acc[t] = (pair){_mm256_setzero_ps(), _mm256_setzero_ps()};
    weight_row_fn run = NULL;
    if (g->kh == 3 && g->kw == 3) run = oneInput ? weight_row_3_1 : weight_row_3_0;
    if (g->kh == 5 && g->kw == 5) run = oneInput ? weight_row_5_1 : weight_row_5_0;
    // Kernel row by kernel row, each over every pixel in order; without a register run
    // (other kernel sizes) every pixel goes through the checked loop.
    long owLo, owHi;
    latent_inside_columns(g, &owLo, &owHi);
    for (long kh = 0; kh < g->kh; kh++)
    for (long n = n0; n < n1; n++)
    for (long oh = 0; oh < g->oh; oh++) {
        const long ih = oh * g->sh + kh - g->pt;
        if (ih < 0 || ih >= g->h) continue;  // none of this kernel row's taps is inside
        const float *image = x + n * g->h * g->w * g->c, *gr = gy + (n * g->oh + oh) * g->ow * gs;
        for (long ow = 0; ow < g->ow;) {
            if (run && ow == owLo && owLo < owHi) {
                run(g, image, gr, ih, owLo, owHi, acc + kh * g->kw, mlo, mhi);
                ow = owHi;
                continue;
            }
            const float *go = gr + ow * gs;
            pair gv = oneInput ? (pair){_mm256_maskload_ps(go, mlo), _mm256_maskload_ps(go + 8, mhi)}
                               : (pair){_mm256_set1_ps(*go), _mm256_set1_ps(*go)};
            for (long kw = 0; kw < g->kw; kw++) {
                const long iw = ow * g->sw + kw - g->pl;
                if (iw < 0 || iw >= g->w) continue;
                const float *xp = image + (ih * g->w + iw) * g->c;
                pair xv = oneInput ? (pair){_mm256_set1_ps(*xp), _mm256_set1_ps(*xp)}
                                   : (pair){_mm256_maskload_ps(xp, mlo), _mm256_maskload_ps(xp + 8, mhi)};
                pair *a = acc + kh * g->kw + kw;
                a->lo = _mm256_fmadd_ps(xv.lo, gv.lo, a->lo);
                a->hi = _mm256_fmadd_ps(xv.hi, gv.hi, a->hi);
            }
            ow++;
        }
    }
    for (long t = 0; t < taps; t++) {
        float *d = dw + t * L;
        _mm256_maskstore_ps(d, mlo, _mm256_add_ps(_mm256_maskload_ps(d, mlo), acc[t].lo));
        _mm256_maskstore_ps(d + 8, mhi, _mm256_add_ps(_mm256_maskload_ps(d + 8, mhi), acc[t].hi));
    }
}
#endif
