// Convolutions with one input channel (the first layer of LeNet and of the denoiser) or
// one output channel (the denoiser's last), AVX-512 only; the generic kernels in
// ConvolutionTemplate.h vectorise over channels and have almost none to work with here.
// Convolution.c decides when they apply.
//
// One input channel:
// C = 1, so a pixel's F outputs are Σ_taps x[tap] · w[tap, 0..F) and there is no channel
// axis to vectorise the generic kernels over. Here the F ≤ 16 outputs of a pixel are one
// zmm register; each tap's weights are loaded once for four pixels, whose inputs are
// broadcast straight into the FMAs. Every pixel sums its taps in (kh, kw) order, one
// FMA chain, whichever group of four it falls in: an image's result never depends on the
// batch or the split.
#include "ConvolutionOneChannel.h"
#include "Window.h"

#if defined(__clang__) && defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))

// One pixel with bounds checks (borders of `same` padding).
AVX512 static inline __m512 pixel_checked(const latent_conv_geometry *g, const float *image, const float *w, long F,
                                          __mmask16 mask, long oh, long ow) {
    __m512 acc = _mm512_setzero_ps();
    LATENT_FOR_EACH_TAP_INSIDE(g, oh, ow, t, p) {
        __m512 wt = _mm512_maskz_loadu_ps(mask, w + t * F);
        acc = _mm512_fmadd_ps(_mm512_set1_ps(image[p]), wt, acc);
    }
    return acc;
}

// act(v + bias) on a pixel's outputs before they are stored (bias NULL: none; relu or
// identity): the ops latent_bias_act does, in its order, so the same bits.
AVX512 static inline __m512 finish(__m512 v, __m512 bias, int hasBias, int relu) {
    if (hasBias) v = _mm512_add_ps(v, bias);
    return relu ? _mm512_max_ps(v, _mm512_setzero_ps()) : v;
}

AVX512 void latent_avx512_conv_forward_one_input(const latent_conv_geometry *g, const float *x, const float *w,
                                                 const float *bias, int relu, float *y, long n0, long n1) {
    const long F = g->f, KW = g->kw, SW = g->sw;
    const __mmask16 mask = (__mmask16)((1u << F) - 1u);
    const __m512 b = bias ? _mm512_maskz_loadu_ps(mask, bias) : _mm512_setzero_ps();
    const int hasBias = bias != NULL;
    long owLo, owHi;
    latent_inside_columns(g, &owLo, &owHi);
    for (long n = n0; n < n1; n++) {
        const float *image = x + n * g->h * g->w;
        for (long oh = 0; oh < g->oh; oh++) {
            float *yr = y + ((n * g->oh + oh) * g->ow) * F;
            long ih0 = oh * g->sh - g->pt;
            int rowsInside = ih0 >= 0 && ih0 + g->kh <= g->h;
            long ow = 0;
            if (rowsInside) {
                for (; ow < owLo; ow++) _mm512_mask_storeu_ps(yr + ow * F, mask, finish(pixel_checked(g, image, w, F, mask, oh, ow), b, hasBias, relu));
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
                    _mm512_mask_storeu_ps(yr + ow * F, mask, finish(a0, b, hasBias, relu));
                    _mm512_mask_storeu_ps(yr + (ow + 1) * F, mask, finish(a1, b, hasBias, relu));
                    _mm512_mask_storeu_ps(yr + (ow + 2) * F, mask, finish(a2, b, hasBias, relu));
                    _mm512_mask_storeu_ps(yr + (ow + 3) * F, mask, finish(a3, b, hasBias, relu));
                }
            }
            for (; ow < g->ow; ow++) _mm512_mask_storeu_ps(yr + ow * F, mask, finish(pixel_checked(g, image, w, F, mask, oh, ow), b, hasBias, relu));
        }
    }
}

// ---- One output channel (the denoiser's last layer: C = 16 → F = 1) -----------------
// A tap's C ≤ 16 input channels are one register: forward is a dot product per pixel,
// the input gradient an axpy per tap, the weight gradient one accumulator per tap.

// One pixel's dot product over its taps' C ≤ 16 channels; taps outside are skipped.
AVX512 static inline __m512 f1_pixel(const latent_conv_geometry *g, const float *x, const float *w, __mmask16 mask,
                                     long n, long oh, long ow) {
    const long C = g->c;
    __m512 acc = _mm512_setzero_ps();
    LATENT_FOR_EACH_TAP_INSIDE(g, oh, ow, t, p) {
        __m512 xv = _mm512_maskz_loadu_ps(mask, x + (n * g->h * g->w + p) * C);
        acc = _mm512_fmadd_ps(xv, _mm512_maskz_loadu_ps(mask, w + t * C), acc);
    }
    return acc;
}

// Four pixels at a time where all their taps are inside (four independent FMA chains:
// one chain alone waits on the FMA latency), the same per-pixel order as f1_pixel.
AVX512 void latent_avx512_conv_forward_one_output(const latent_conv_geometry *g, const float *x, const float *w, float *y, long n0, long n1) {
    const long C = g->c, SW = g->sw;
    const __mmask16 mask = (__mmask16)((1u << C) - 1u);
    long owLo, owHi;
    latent_inside_columns(g, &owLo, &owHi);
    for (long n = n0; n < n1; n++)
    for (long oh = 0; oh < g->oh; oh++) {
        float *yr = y + (n * g->oh + oh) * g->ow;
        long ih0 = oh * g->sh - g->pt;
        long ow = 0;
        if (ih0 >= 0 && ih0 + g->kh <= g->h) {
            for (; ow < owLo; ow++) yr[ow] = _mm512_reduce_add_ps(f1_pixel(g, x, w, mask, n, oh, ow));
            for (; ow + 4 <= owHi; ow += 4) {
                __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
                for (long kh = 0; kh < g->kh; kh++) {
                    const float *xr = x + ((n * g->h + ih0 + kh) * g->w + ow * SW - g->pl) * C;
                    for (long kw = 0; kw < g->kw; kw++) {
                        __m512 wt = _mm512_maskz_loadu_ps(mask, w + (kh * g->kw + kw) * C);
                        a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, xr + kw * C), wt, a0);
                        a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, xr + (kw + SW) * C), wt, a1);
                        a2 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, xr + (kw + 2 * SW) * C), wt, a2);
                        a3 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, xr + (kw + 3 * SW) * C), wt, a3);
                    }
                }
                yr[ow] = _mm512_reduce_add_ps(a0);
                yr[ow + 1] = _mm512_reduce_add_ps(a1);
                yr[ow + 2] = _mm512_reduce_add_ps(a2);
                yr[ow + 3] = _mm512_reduce_add_ps(a3);
            }
        }
        for (; ow < g->ow; ow++) yr[ow] = _mm512_reduce_add_ps(f1_pixel(g, x, w, mask, n, oh, ow));
    }
}

// dx[ih, iw, 0..C) = Σ over the (output pixel, tap) pairs that read (ih, iw) of
// gy[pixel] · w[tap, 0..C): gathered per input pixel, in (kh, kw) order, so the sum
// stays in a register (scattering into dx made each tap wait on the last one's store).
AVX512 static inline __m512 f1_input_pixel(const latent_conv_geometry *g, const float *gy, const float *wt, __mmask16 mask,
                                           long n, long ih, long iw) {
    __m512 acc = _mm512_setzero_ps();
    for (long kh = 0; kh < g->kh; kh++) {
        long th = ih + g->pt - kh;
        if (th < 0 || th % g->sh != 0 || th / g->sh >= g->oh) continue;
        for (long kw = 0; kw < g->kw; kw++) {
            long tw = iw + g->pl - kw;
            if (tw < 0 || tw % g->sw != 0 || tw / g->sw >= g->ow) continue;
            __m512 gv = _mm512_set1_ps(gy[(n * g->oh + th / g->sh) * g->ow + tw / g->sw]);
            acc = _mm512_fmadd_ps(gv, _mm512_maskz_loadu_ps(mask, wt + (kh * g->kw + kw) * g->c), acc);
        }
    }
    return acc;
}

AVX512 void latent_avx512_conv_backward_input_one_output(const latent_conv_geometry *g, const float *gy, const float *wt, float *dx, long n0, long n1) {
    const long C = g->c;
    const __mmask16 mask = (__mmask16)((1u << C) - 1u);
    // Stride 1: input columns whose taps all map inside the output, four at a time.
    const int unit = g->sh == 1 && g->sw == 1;
    long iwLo = 0, iwHi = g->w;
    while (iwLo < g->w && iwLo + g->pl - (g->kw - 1) < 0) iwLo++;
    while (iwHi > iwLo && (iwHi - 1) + g->pl >= g->ow) iwHi--;
    for (long n = n0; n < n1; n++)
    for (long ih = 0; ih < g->h; ih++) {
        float *dr = dx + (n * g->h + ih) * g->w * C;
        long iw = 0;
        if (unit && ih + g->pt - (g->kh - 1) >= 0 && ih + g->pt < g->oh) {
            for (; iw < iwLo; iw++) _mm512_mask_storeu_ps(dr + iw * C, mask, f1_input_pixel(g, gy, wt, mask, n, ih, iw));
            for (; iw + 4 <= iwHi; iw += 4) {
                __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
                for (long kh = 0; kh < g->kh; kh++) {
                    const float *gr = gy + (n * g->oh + ih + g->pt - kh) * g->ow + iw + g->pl;
                    for (long kw = 0; kw < g->kw; kw++) {
                        __m512 w = _mm512_maskz_loadu_ps(mask, wt + (kh * g->kw + kw) * C);
                        a0 = _mm512_fmadd_ps(_mm512_set1_ps(gr[-kw]), w, a0);
                        a1 = _mm512_fmadd_ps(_mm512_set1_ps(gr[1 - kw]), w, a1);
                        a2 = _mm512_fmadd_ps(_mm512_set1_ps(gr[2 - kw]), w, a2);
                        a3 = _mm512_fmadd_ps(_mm512_set1_ps(gr[3 - kw]), w, a3);
                    }
                }
                _mm512_mask_storeu_ps(dr + iw * C, mask, a0);
                _mm512_mask_storeu_ps(dr + (iw + 1) * C, mask, a1);
                _mm512_mask_storeu_ps(dr + (iw + 2) * C, mask, a2);
                _mm512_mask_storeu_ps(dr + (iw + 3) * C, mask, a3);
            }
        }
        for (; iw < g->w; iw++) _mm512_mask_storeu_ps(dr + iw * C, mask, f1_input_pixel(g, gy, wt, mask, n, ih, iw));
    }
}

// The weight gradient when one side has a single channel: dw[tap, 0..L) += Σ_pixels of
// x[pixel(tap)] (broadcast) · gy[pixel, 0..L) for one input channel (L = F), or of
// x[pixel(tap), 0..L) · gy[pixel] (broadcast) for one output channel (L = C). Each tap
// accumulates in its own register, pixels in order.
//
// A row's inside columns run with every tap's accumulator in a register for the kernel
// sizes of the lessons (3×3 and 5×5: 25 accumulators, the pixel's gradient and an input
// fit in 32 zmm). Indexed by a runtime tap count the accumulators lived in memory, each
// FMA waiting on the store of the one before (21 % of a LeNet training step on one
// thread). A tap still adds the pixels in order, so the bits are the checked loop's.
AVX512 static inline __attribute__((always_inline)) void weight_run(const int KH, const int KW, const int oneInput,
                                                                    const latent_conv_geometry *g, const float *image,
                                                                    const float *go, long ih0, long ow0, long ow1,
                                                                    __m512 *accmem, __mmask16 mask) {
    __m512 a[25];
#pragma clang loop unroll(full)
    for (int t = 0; t < KH * KW; t++) a[t] = accmem[t];
    const long W = g->w, C = g->c, F = g->f;
    for (long ow = ow0; ow < ow1; ow++) {
        const long iw0 = ow * g->sw - g->pl;
        const __m512 gv = oneInput ? _mm512_maskz_loadu_ps(mask, go + ow * F) : _mm512_set1_ps(go[ow]);
        const float *base = image + (ih0 * W + iw0) * C;
#pragma clang loop unroll(full)
        for (int kh = 0; kh < KH; kh++)
#pragma clang loop unroll(full)
            for (int kw = 0; kw < KW; kw++) {
                const float *xp = base + (kh * W + kw) * C;
                __m512 xv = oneInput ? _mm512_set1_ps(*xp) : _mm512_maskz_loadu_ps(mask, xp);
                a[kh * KW + kw] = _mm512_fmadd_ps(xv, gv, a[kh * KW + kw]);
            }
    }
#pragma clang loop unroll(full)
    for (int t = 0; t < KH * KW; t++) accmem[t] = a[t];
}

typedef void (*weight_run_fn)(const latent_conv_geometry *, const float *, const float *, long, long, long, __m512 *,
                              __mmask16);
#define WEIGHT_RUN(KH, KW, ONE_IN)                                                                                \
    AVX512 static void weight_run_##KH##_##ONE_IN(const latent_conv_geometry *g, const float *image, const float *go, \
                                                  long ih0, long ow0, long ow1, __m512 *acc, __mmask16 mask) {      \
        weight_run(KH, KW, ONE_IN, g, image, go, ih0, ow0, ow1, acc, mask);                                        \
    }
WEIGHT_RUN(3, 3, 0)
WEIGHT_RUN(3, 3, 1)
WEIGHT_RUN(5, 5, 0)
WEIGHT_RUN(5, 5, 1)

AVX512 void latent_avx512_conv_backward_weight_single(const latent_conv_geometry *g, const float *x, const float *gy, float *dw, long n0, long n1,
                                        int oneInput) {
    const long L = oneInput ? g->f : g->c, taps = g->kh * g->kw, gs = oneInput ? g->f : 1;
    const __mmask16 mask = (__mmask16)((1u << L) - 1u);
    weight_run_fn run = NULL;
    if (g->kh == 3 && g->kw == 3) run = oneInput ? weight_run_3_1 : weight_run_3_0;
    if (g->kh == 5 && g->kw == 5) run = oneInput ? weight_run_5_1 : weight_run_5_0;
    long owLo, owHi;
    latent_inside_columns(g, &owLo, &owHi);
    __m512 acc[64];
    for (long t = 0; t < taps; t++) acc[t] = _mm512_setzero_ps();
    for (long n = n0; n < n1; n++) {
        const float *image = x + n * g->h * g->w * g->c;
        for (long oh = 0; oh < g->oh; oh++) {
            const float *gr = gy + (n * g->oh + oh) * g->ow * gs;
            const long ih0 = oh * g->sh - g->pt;
            long ow = 0;
            // Checked pixels; a run of inside ones in registers when this row's taps are all inside.
            long stop = run && ih0 >= 0 && ih0 + g->kh <= g->h && owLo < owHi ? owLo : g->ow;
            for (;;) {
                for (; ow < stop; ow++) {
                    const float *go = gr + ow * gs;
                    __m512 gv = oneInput ? _mm512_maskz_loadu_ps(mask, go) : _mm512_set1_ps(*go);
                    LATENT_FOR_EACH_TAP_INSIDE(g, oh, ow, t, p) {
                        const float *xp = image + p * g->c;
                        __m512 xv = oneInput ? _mm512_set1_ps(*xp) : _mm512_maskz_loadu_ps(mask, xp);
                        acc[t] = _mm512_fmadd_ps(xv, gv, acc[t]);
                    }
                }
                if (stop == g->ow) break;
                run(g, image, gr, ih0, owLo, owHi, acc, mask);
                ow = owHi;
                stop = g->ow;
            }
        }
    }
    for (long t = 0; t < taps; t++)
        _mm512_mask_storeu_ps(dw + t * L, mask, _mm512_add_ps(_mm512_maskz_loadu_ps(mask, dw + t * L), acc[t]));
}
#endif
