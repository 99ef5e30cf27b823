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
#include "Lanes.h"
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
    const __mmask16 mask = latent_first_lanes(F);
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

// The FMA chains of PIXELS consecutive pixels (pixel i at column ow + i, channels C,
// stride SW) over the kernel rows kh0..<kh1 that are inside: f1_pixel's taps in its
// order, one independent chain a pixel (one chain alone waits on the FMA latency). With
// `checked` the first and last pixel skip taps on the padding; the caller makes sure the
// others have none.
AVX512 static inline __attribute__((always_inline)) void f1_accumulate(const int PIXELS, const long C, const long SW,
                                                                       const int checked,
                                                                       const latent_conv_geometry *g, const float *x,
                                                                       const float *w, __mmask16 mask, long n,
                                                                       long ih0, long kh0, long kh1, long ow,
                                                                       __m512 *a) {
#pragma clang loop unroll(full)
    for (int i = 0; i < PIXELS; i++) a[i] = _mm512_setzero_ps();
    for (long kh = kh0; kh < kh1; kh++) {
        const float *xr = x + ((n * g->h + ih0 + kh) * g->w + ow * SW - g->pl) * C;
        for (long kw = 0; kw < g->kw; kw++) {
            __m512 wt = _mm512_maskz_loadu_ps(mask, w + (kh * g->kw + kw) * C);
            if (!checked) {
#pragma clang loop unroll(full)
                for (int i = 0; i < PIXELS; i++)
                    a[i] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, xr + (kw + i * SW) * C), wt, a[i]);
                continue;
            }
            const long first = ow * SW + kw - g->pl, last = first + (PIXELS - 1) * SW;
            if (first >= 0 && first < g->w) a[0] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, xr + kw * C), wt, a[0]);
#pragma clang loop unroll(full)
            for (int i = 1; i < PIXELS - 1; i++)
                a[i] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, xr + (kw + i * SW) * C), wt, a[i]);
            if (last >= 0 && last < g->w)
                a[PIXELS - 1] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, xr + (kw + (PIXELS - 1) * SW) * C), wt,
                                                a[PIXELS - 1]);
        }
    }
}

// PIXELS consecutive pixels whose kernel columns are all inside, each sum reduced alone.
AVX512 static inline __attribute__((always_inline)) void f1_pixels(const int PIXELS, const latent_conv_geometry *g,
                                                                   const float *x, const float *w, __mmask16 mask,
                                                                   long n, long ih0, long kh0, long kh1, long ow,
                                                                   float *yr) {
    __m512 a[8];
    f1_accumulate(PIXELS, g->c, g->sw, 0, g, x, w, mask, n, ih0, kh0, kh1, ow, a);
#pragma clang loop unroll(full)
    for (int i = 0; i < PIXELS; i++) yr[ow + i] = _mm512_reduce_add_ps(a[i]);
}

// Lane i of the result = _mm512_reduce_add_ps(a[order[i]]) for order = 0 2 1 3 8 10 9 11
// 4 6 5 7 12 14 13 15, its bits: the same pairs added (lane j + j+8, then j + j+4, j + j+2,
// j + j+1), sixteen sums at once (≈3 operations a pixel against 8 for its own reduction).
AVX512 static inline __m512 reduce_sixteen(const __m512 a[16]) {
    __m512 d[8], e[4], h[2];
    for (int i = 0; i < 8; i++)
        d[i] = _mm512_add_ps(_mm512_shuffle_f32x4(a[i], a[i + 8], 0x44), _mm512_shuffle_f32x4(a[i], a[i + 8], 0xEE));
    for (int i = 0; i < 4; i++)
        e[i] = _mm512_add_ps(_mm512_shuffle_f32x4(d[i], d[i + 4], 0x88), _mm512_shuffle_f32x4(d[i], d[i + 4], 0xDD));
    for (int i = 0; i < 2; i++)
        h[i] = _mm512_add_ps(_mm512_shuffle_ps(e[i], e[i + 2], 0x44), _mm512_shuffle_ps(e[i], e[i + 2], 0xEE));
    return _mm512_add_ps(_mm512_shuffle_ps(h[0], h[1], 0x88), _mm512_shuffle_ps(h[0], h[1], 0xDD));
}

// Sixteen pixels (f1_accumulate), their sums made together by reduce_sixteen and stored
// as one vector.
AVX512 static inline __attribute__((always_inline)) void f1_sixteen_pixels_of(const long C, const long SW,
                                                                              const int checked,
                                                                              const latent_conv_geometry *g,
                                                                              const float *x, const float *w,
                                                                              __mmask16 mask, long n, long ih0,
                                                                              long kh0, long kh1, long ow, float *yr) {
    __m512 a[16];
    f1_accumulate(16, C, SW, checked, g, x, w, mask, n, ih0, kh0, kh1, ow, a);
    // reduce_sixteen's order is its own inverse: handing it the pixels in that order puts
    // pixel i in lane i.
    const __m512 ordered[16] = {a[0], a[2], a[1], a[3], a[8], a[10], a[9], a[11],
                                a[4], a[6], a[5], a[7], a[12], a[14], a[13], a[15]};
    _mm512_storeu_ps(yr + ow, reduce_sixteen(ordered));
}

// With 16 channels at stride 1 (a pixel is one vector, the next pixel the next one) the
// sixteen pixels' loads are offsets of one address; with runtime sizes each needed its own
// register and the loop spilled them. `checked`: the first and last pixel may have taps on
// the padding, the others none.
AVX512 static inline void f1_sixteen_pixels(const int checked, const latent_conv_geometry *g, const float *x,
                                            const float *w, __mmask16 mask, long n, long ih0, long kh0, long kh1,
                                            long ow, float *yr) {
    if (g->c == 16 && g->sw == 1) {
        if (checked) f1_sixteen_pixels_of(16, 1, 1, g, x, w, mask, n, ih0, kh0, kh1, ow, yr);
        else f1_sixteen_pixels_of(16, 1, 0, g, x, w, mask, n, ih0, kh0, kh1, ow, yr);
    } else if (checked) {
        f1_sixteen_pixels_of(g->c, g->sw, 1, g, x, w, mask, n, ih0, kh0, kh1, ow, yr);
    } else {
        f1_sixteen_pixels_of(g->c, g->sw, 0, g, x, w, mask, n, ih0, kh0, kh1, ow, yr);
    }
}

AVX512 void latent_avx512_conv_forward_one_output(const latent_conv_geometry *g, const float *x, const float *w, float *y, long n0, long n1) {
    const __mmask16 mask = latent_first_lanes(g->c);
    long owLo, owHi;
    latent_inside_columns(g, &owLo, &owHi);
    for (long n = n0; n < n1; n++)
    for (long oh = 0; oh < g->oh; oh++) {
        float *yr = y + (n * g->oh + oh) * g->ow;
        // The kernel rows inside the image: all but the first or last rows of `same` padding.
        const long ih0 = oh * g->sh - g->pt, kh0 = ih0 < 0 ? -ih0 : 0, kh1 = g->h - ih0 < g->kh ? g->h - ih0 : g->kh;
        long ow = 0;
        if (kh0 < kh1 && g->ow >= 16 && owLo <= 1 && owHi >= g->ow - 1) {
            // A row of at least 16 with at most its end pixels on the padding (a 3-wide
            // kernel, `same`) in blocks of 16, the first and last checked for it and
            // overlapping the others where 16 does not divide the row (the same values
            // written again): single pixels, each with its own reduction and per-tap
            // checks, took most of the kernel's samples on 28-wide rows (perf annotate).
            f1_sixteen_pixels(1, g, x, w, mask, n, ih0, kh0, kh1, 0, yr);
            for (ow = 16; ow + 16 <= owHi; ow += 16) f1_sixteen_pixels(0, g, x, w, mask, n, ih0, kh0, kh1, ow, yr);
            if (ow < g->ow) f1_sixteen_pixels(1, g, x, w, mask, n, ih0, kh0, kh1, g->ow - 16, yr);
            continue;
        }
        if (kh0 < kh1) {
            for (; ow < owLo; ow++) yr[ow] = _mm512_reduce_add_ps(f1_pixel(g, x, w, mask, n, oh, ow));
            for (; ow + 8 <= owHi; ow += 8) f1_pixels(8, g, x, w, mask, n, ih0, kh0, kh1, ow, yr);
            for (; ow + 4 <= owHi; ow += 4) f1_pixels(4, g, x, w, mask, n, ih0, kh0, kh1, ow, yr);
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
    if (g->sh == 1 && g->sw == 1) {
        // The same taps in the same order without the divisions, which cost the border
        // pixels (a seventh of the denoiser's 28×28) more than the inside ones.
        for (long kh = 0; kh < g->kh; kh++) {
            const long oh = ih + g->pt - kh;
            if (oh < 0 || oh >= g->oh) continue;
            const float *gr = gy + (n * g->oh + oh) * g->ow;
            for (long kw = 0; kw < g->kw; kw++) {
                const long ow = iw + g->pl - kw;
                if (ow < 0 || ow >= g->ow) continue;
                acc = _mm512_fmadd_ps(_mm512_set1_ps(gr[ow]), _mm512_maskz_loadu_ps(mask, wt + (kh * g->kw + kw) * g->c),
                                      acc);
            }
        }
        return acc;
    }
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

// PIXELS consecutive input pixels of a row whose kernel columns all map inside the output
// (stride 1), over the kernel rows kh0..<kh1 that do (f1_input_pixel's taps, in its
// order), PIXELS independent FMA chains.
AVX512 static inline __attribute__((always_inline)) void f1_input_pixels(const int PIXELS, const latent_conv_geometry *g,
                                                                         const float *gy, const float *wt,
                                                                         __mmask16 mask, long n, long ih, long kh0,
                                                                         long kh1, long iw, float *dr) {
    const long C = g->c;
    __m512 a[8];
#pragma clang loop unroll(full)
    for (int i = 0; i < PIXELS; i++) a[i] = _mm512_setzero_ps();
    for (long kh = kh0; kh < kh1; kh++) {
        const float *gr = gy + (n * g->oh + ih + g->pt - kh) * g->ow + iw + g->pl;
        for (long kw = 0; kw < g->kw; kw++) {
            __m512 w = _mm512_maskz_loadu_ps(mask, wt + (kh * g->kw + kw) * C);
#pragma clang loop unroll(full)
            for (int i = 0; i < PIXELS; i++) a[i] = _mm512_fmadd_ps(_mm512_set1_ps(gr[i - kw]), w, a[i]);
        }
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < PIXELS; i++) _mm512_mask_storeu_ps(dr + (iw + i) * C, mask, a[i]);
}

AVX512 void latent_avx512_conv_backward_input_one_output(const latent_conv_geometry *g, const float *gy, const float *wt, float *dx, long n0, long n1) {
    const long C = g->c;
    const __mmask16 mask = latent_first_lanes(C);
    // Stride 1: input columns whose taps all map inside the output, eight or four at a time.
    const int unit = g->sh == 1 && g->sw == 1;
    long iwLo = 0, iwHi = g->w;
    while (iwLo < g->w && iwLo + g->pl - (g->kw - 1) < 0) iwLo++;
    while (iwHi > iwLo && (iwHi - 1) + g->pl >= g->ow) iwHi--;
    for (long n = n0; n < n1; n++)
    for (long ih = 0; ih < g->h; ih++) {
        float *dr = dx + (n * g->h + ih) * g->w * C;
        long iw = 0;
        // The kernel rows that map inside the output: oh = ih + pt − kh in [0, OH).
        const long top = ih + g->pt - (g->oh - 1), kh0 = top > 0 ? top : 0;
        const long kh1 = ih + g->pt + 1 < g->kh ? ih + g->pt + 1 : g->kh;
        if (unit && kh0 < kh1) {
            for (; iw < iwLo; iw++) _mm512_mask_storeu_ps(dr + iw * C, mask, f1_input_pixel(g, gy, wt, mask, n, ih, iw));
            for (; iw + 8 <= iwHi; iw += 8) f1_input_pixels(8, g, gy, wt, mask, n, ih, kh0, kh1, iw, dr);
            for (; iw + 4 <= iwHi; iw += 4) f1_input_pixels(4, g, gy, wt, mask, n, ih, kh0, kh1, iw, dr);
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
    const __mmask16 mask = latent_first_lanes(L);
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
