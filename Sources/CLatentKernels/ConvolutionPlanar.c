// Stride-1 convolutions with the vectors over output pixels ("planar"), AVX-512.
//
// The im2col GEMM puts a pixel's filters in the vector lanes: LeNet's second layer
// (12×12×10 → 8×8×20, 5×5) fills 20 of the 32 lanes of a row's two vectors, and copies
// 250 floats per pixel. Here a vector holds 16 consecutive output pixels of one filter:
// the 64 pixels are four full vectors, and the input is copied KW times, not KH·KW.
//
// An image's KW shifted planes of channel c hold
//     plane[c, kx][iy, ox] = image[iy − pt, ox + kx − pl, c]   (0 outside)
// for the OH + KH − 1 padded rows and OW columns, so output pixel p = oy·OW + ox reads
// tap (ky, kx) at plane[c, kx][p + ky·OW]: an output's pixels are consecutive in every
// plane, and 16 of them are one load whatever OW is.
//
// Every output is one FMA chain over the taps in the kernel's (ky, kx, c) order, from
// zero, whichever block it falls in; an image's result depends on that image alone. With
// at most LATENT_GEMM_KC taps that is the im2col GEMM's recipe (one K block) and the
// one-input-channel kernels': the same bits (tested), so the paths may be swapped freely.
// Taps on the zero padding add w·0, as the GEMM adds its im2col zeros; the one-input
// kernel skips them, which can differ only in the sign of a sum that is exactly zero
// (a -0 from underflow, then +0 added): nothing after a bias or relu.
#include "ConvolutionPlanar.h"
#include "Lanes.h"
#include "Transpose.h"
#include <stdint.h>
#include <stdlib.h>

#if defined(__clang__) && defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma")))

// Filters per block: 5 × 4 accumulators, 4 pixel vectors and a broadcast weight use 25 of
// the 32 zmm registers; filters are split into even blocks of at most 5 (20 → 4 × 5).
#define FILTERS_PER_BLOCK 5
#define VECTORS_PER_BLOCK 4

// Lane l of a vector of pixels goes to y[l·F]: the scatter's offsets.
AVX512 static inline __m512i pixel_offsets(long F) {
    return _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                              _mm512_set1_epi32((int)F));
}

// act(v + bias) before the stores (bias NULL: none; relu or identity): latent_bias_act's
// operations in its order (its relu is v > 0 ? v : 0, which is maxps(v, 0)), the same bits.
AVX512 static inline __m512 finish(__m512 v, __m512 bias, int hasBias, int relu) {
    if (hasBias) v = _mm512_add_ps(v, bias);
    return relu ? _mm512_max_ps(v, _mm512_setzero_ps()) : v;
}

// acc[f][j] over filters f0..f0+FB and pixel vectors p0/16 + j, then act(acc + bias) to
// the NHWC outputs y[p, f0 + f] (pixels past P not written), or with `planar` to
// planar[f0 + f, p] (rows of paddedPixels floats, the padding written too).
#define BLOCK(FB, PB)                                                                                        \
    AVX512 static void block_##FB##_##PB(const latent_planar_layout *L, const float *planes, const float *w,    \
                                         const float *bias, int relu, long f0, long p0, float *y,               \
                                         float *planar) {                                                       \
        const long F = L->f, C = L->c, KW = L->kw, stride = L->planeStride;                                    \
        __m512 acc[FB][PB];                                                                                    \
        for (int f = 0; f < FB; f++)                                                                           \
            for (int j = 0; j < PB; j++) acc[f][j] = _mm512_setzero_ps();                                      \
        const float *wk = w + f0;                                                                              \
        for (long ky = 0; ky < L->kh; ky++)                                                                    \
            for (long kx = 0; kx < KW; kx++) {                                                                 \
                const float *xp = planes + kx * stride + ky * L->ow + p0;                                      \
                for (long c = 0; c < C; c++, wk += F, xp += KW * stride) {                                     \
                    __m512 xv[PB];                                                                             \
                    for (int j = 0; j < PB; j++) xv[j] = _mm512_loadu_ps(xp + j * 16);                        \
                    for (int f = 0; f < FB; f++) {                                                             \
                        __m512 wv = _mm512_set1_ps(wk[f]);                                                     \
                        for (int j = 0; j < PB; j++) acc[f][j] = _mm512_fmadd_ps(wv, xv[j], acc[f][j]);        \
                    }                                                                                          \
                }                                                                                              \
            }                                                                                                  \
        const __m512i offsets = pixel_offsets(F);                                                              \
        for (int f = 0; f < FB; f++) {                                                                         \
            const __m512 b = bias ? _mm512_set1_ps(bias[f0 + f]) : _mm512_setzero_ps();                        \
            for (int j = 0; j < PB; j++) acc[f][j] = finish(acc[f][j], b, bias != NULL, relu);                 \
        }                                                                                                      \
        if (planar) {                                                                                          \
            for (int f = 0; f < FB; f++)                                                                       \
                for (int j = 0; j < PB; j++) _mm512_storeu_ps(planar + (f0 + f) * L->paddedPixels + p0 + j * 16, \
                                                              acc[f][j]);                                      \
            return;                                                                                            \
        }                                                                                                      \
        for (int j = 0; j < PB; j++) {                                                                         \
            const long first = p0 + j * 16, count = L->pixels - first < 16 ? L->pixels - first : 16;           \
            if (count <= 0) break;                                                                             \
            const __mmask16 lanes = latent_first_lanes(count);                                                 \
            for (int f = 0; f < FB; f++)                                                                       \
                _mm512_mask_i32scatter_ps(y + first * F + f0 + f, lanes, offsets, acc[f][j], 4);               \
        }                                                                                                      \
    }

#define BLOCKS(FB) BLOCK(FB, 1) BLOCK(FB, 2) BLOCK(FB, 3) BLOCK(FB, 4)
BLOCKS(1)
BLOCKS(2)
BLOCKS(3)
BLOCKS(4)
BLOCKS(5)

#define PICK_PB(FB, PB, ...)                       \
    switch (PB) {                                  \
    case 1: block_##FB##_1(__VA_ARGS__); break;    \
    case 2: block_##FB##_2(__VA_ARGS__); break;    \
    case 3: block_##FB##_3(__VA_ARGS__); break;    \
    default: block_##FB##_4(__VA_ARGS__); break;   \
    }

AVX512 static void block(long FB, long PB, const latent_planar_layout *L, const float *planes, const float *w,
                         const float *bias, int relu, long f0, long p0, float *y, float *planar) {
    switch (FB) {
    case 1: PICK_PB(1, PB, L, planes, w, bias, relu, f0, p0, y, planar) break;
    case 2: PICK_PB(2, PB, L, planes, w, bias, relu, f0, p0, y, planar) break;
    case 3: PICK_PB(3, PB, L, planes, w, bias, relu, f0, p0, y, planar) break;
    case 4: PICK_PB(4, PB, L, planes, w, bias, relu, f0, p0, y, planar) break;
    default: PICK_PB(5, PB, L, planes, w, bias, relu, f0, p0, y, planar) break;
    }
}

// Rows of dst[0..<n) = src[lo..<hi) in place, 0 elsewhere, 16 floats per masked load and
// store with the masks made once: a row of LeNet's planes is 8 floats (a memcpy call per
// row cost as much as the products).
AVX512 static void copy_rows(float *dst, const float *src, long srcStride, long rows, long lo, long hi, long n) {
    for (long o = 0; o < n; o += 16) {
        const long end = o + 16 < n ? o + 16 : n;
        const long a = lo > o ? lo : o, b = hi < end ? hi : end;
        const __mmask16 store = latent_first_lanes(end - o);
        const __mmask16 load = (__mmask16)(latent_first_lanes(b - o) & ~latent_first_lanes(a - o));
        for (long r = 0; r < rows; r++)
            _mm512_mask_storeu_ps(dst + r * n + o, store, _mm512_maskz_loadu_ps(load, src + r * srcStride + o));
    }
}

// An image's KW shifted planes per channel, from its channel-major copy (C·H·W floats;
// a one-channel image is its own).
AVX512 static void build_planes(const latent_conv_geometry *g, const latent_planar_layout *L, const float *image,
                                float *channelMajor, float *planes) {
    const long C = g->c, H = g->h, W = g->w, OW = g->ow, rows = g->oh + g->kh - 1;
    const float *source = image;
    if (C > 1) {
        transpose_into(image, H * W, C, channelMajor);
        source = channelMajor;
    }
    // Rows iy in [top, bottom) read inside the image: ih = iy − pt.
    const long top = g->pt < rows ? g->pt : rows, bottom = H + g->pt < rows ? H + g->pt : rows;
    for (long c = 0; c < C; c++)
        for (long kx = 0; kx < g->kw; kx++) {
            float *plane = planes + (c * g->kw + kx) * L->planeStride;
            // Columns ox in [lo, hi) read inside the image: iw = ox + kx − pl.
            long lo = g->pl - kx, hi = W + g->pl - kx;
            if (lo < 0) lo = 0;
            if (hi > OW) hi = OW;
            if (lo > hi) lo = hi;
            for (long i = 0; i < top * OW; i++) plane[i] = 0.0f;
            if (bottom > top) copy_rows(plane + top * OW, source + c * H * W + kx - g->pl, W, bottom - top, lo, hi, OW);
            for (long i = (bottom > top ? bottom : top) * OW; i < L->planeStride; i++) plane[i] = 0.0f;
        }
}

// One image: y [OH·OW, F] = act(conv + bias) from its planes (relu or identity), or with
// `planar` that image as planar [F, paddedPixels]; pixels in blocks of 4 vectors (the
// last fewer), filters in even blocks.
AVX512 static void image_outputs(const latent_planar_layout *L, const float *planes, const float *w, const float *bias,
                                 int relu, float *y, float *planar) {
    const long F = L->f, vectors = L->paddedPixels / 16;
    const long blocks = (F + FILTERS_PER_BLOCK - 1) / FILTERS_PER_BLOCK, FB = (F + blocks - 1) / blocks;
    for (long v0 = 0; v0 < vectors; v0 += VECTORS_PER_BLOCK) {
        const long PB = vectors - v0 < VECTORS_PER_BLOCK ? vectors - v0 : VECTORS_PER_BLOCK;
        for (long f0 = 0; f0 < F; f0 += FB) block(F - f0 < FB ? F - f0 : FB, PB, L, planes, w, bias, relu, f0, v0 * 16, y, planar);
    }
}

latent_planar_layout latent_planar_layout_of(const latent_conv_geometry *g) {
    latent_planar_layout L;
    L.c = g->c;
    L.f = g->f;
    L.kh = g->kh;
    L.kw = g->kw;
    L.ow = g->ow;
    L.pixels = g->oh * g->ow;
    L.paddedPixels = (L.pixels + 15) / 16 * 16;
    // The rows a tap can reach, and the last block's read past the last pixel.
    L.planeStride = (g->oh + g->kh - 1) * g->ow + (L.paddedPixels - L.pixels);
    return L;
}

// One call's buffers, reused for each of its images: the channel-major copy (none for one
// channel), the shifted planes, and `outputs` floats for the caller (may be 0).
typedef struct {
    float *channelMajor, *planes, *outputs;
} planar_scratch;

static planar_scratch scratch_for(const latent_conv_geometry *g, const latent_planar_layout *L, long outputs) {
    planar_scratch s;
    s.channelMajor = g->c > 1 ? malloc((size_t)(g->h * g->w * g->c) * sizeof(float)) : NULL;
    s.planes = malloc((size_t)(g->c * g->kw * L->planeStride) * sizeof(float));
    s.outputs = outputs > 0 ? malloc((size_t)outputs * sizeof(float)) : NULL;
    if ((g->c > 1 && !s.channelMajor) || !s.planes || (outputs > 0 && !s.outputs)) abort();
    return s;
}

static void scratch_free(planar_scratch *s) {
    free(s->outputs);
    free(s->planes);
    free(s->channelMajor);
}

int latent_planar_forward(const latent_conv_geometry *g, const float *x, const float *w, const float *bias, int act,
                          float *y, long n0, long n1) {
    if (latent_cpu_level() < 2 || g->sh != 1 || g->sw != 1 || g->oh <= 0 || g->ow <= 0 || g->f < 1) return 0;
    const latent_planar_layout L = latent_planar_layout_of(g);
    const long F = g->f, P = L.pixels, imageSize = g->h * g->w * g->c;
    planar_scratch scratch = scratch_for(g, &L, 0);
    // Identity and relu in the stores; other activations in a pass over each image.
    const int inRegisters = act == LATENT_ACT_IDENTITY || act == LATENT_ACT_RELU;
    for (long n = n0; n < n1; n++) {
        float *yImage = y + n * P * F;
        build_planes(g, &L, x + n * imageSize, scratch.channelMajor, scratch.planes);
        if (inRegisters) {
            image_outputs(&L, scratch.planes, w, bias, act == LATENT_ACT_RELU, yImage, NULL);
        } else {
            image_outputs(&L, scratch.planes, w, NULL, 0, yImage, NULL);
            latent_bias_act(yImage, bias, yImage, P, F, act);
        }
    }
    scratch_free(&scratch);
    return 1;
}

// 2×2 max pooling, stride 2, of image n's planar outputs [F, paddedPixels] (OH × OW each)
// into pooled [F, PH·PW] and, with `arg`, each maximum's flat NHWC index in the batch's
// outputs [N, OH, OW, F] into arg [F, PH·PW]. 16 pooled columns from 32 columns of two
// rows: rows first (a row-1 value wins when greater: maxps(r1, r0) is r1 > r0 ? r1 : r0),
// then each pair of columns (the odd one wins when greater, or equal with a lower index
// when the argmax is kept): latent_maxpool_forward's comparisons in its order, its bits.
AVX512 static void pool_planar(const latent_planar_layout *L, long n, long OH, const float *planar, float *pooled,
                               int32_t *arg) {
    const long OW = L->ow, F = L->f, PH = (OH - 2) / 2 + 1, PW = (OW - 2) / 2 + 1;
    const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    const __m512i even = _mm512_add_epi32(lane, lane), odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    const __m512i columnStep = _mm512_mullo_epi32(lane, _mm512_set1_epi32((int32_t)F));
    for (long f = 0; f < F; f++)
        for (long py = 0; py < PH; py++) {
            const float *r0 = planar + f * L->paddedPixels + 2 * py * OW, *r1 = r0 + OW;
            float *out = pooled + (f * PH + py) * PW;
            for (long px = 0; px < PW; px += 16) {
                const long x0 = 2 * px, left = OW - x0;  // input columns from x0 on
                const __mmask16 lo = latent_first_lanes(left);
                const __mmask16 hi = latent_first_lanes(left - 16);
                const long count = PW - px < 16 ? PW - px : 16;
                const __mmask16 stored = latent_first_lanes(count);
                const __m512 a0 = _mm512_maskz_loadu_ps(lo, r0 + x0), b0 = _mm512_maskz_loadu_ps(hi, r0 + x0 + 16);
                const __m512 a1 = _mm512_maskz_loadu_ps(lo, r1 + x0), b1 = _mm512_maskz_loadu_ps(hi, r1 + x0 + 16);
                if (!arg) {
                    const __m512 mLo = _mm512_max_ps(a1, a0), mHi = _mm512_max_ps(b1, b0);
                    const __m512 v = _mm512_max_ps(_mm512_permutex2var_ps(mLo, odd, mHi),
                                                   _mm512_permutex2var_ps(mLo, even, mHi));
                    _mm512_mask_storeu_ps(out + px, stored, v);
                    continue;
                }
                // Flat indices of row 0's columns x0.. and x0 + 16.., row 1's one row further.
                const long first = ((n * OH + 2 * py) * OW + x0) * F + f;
                const __m512i i0 = _mm512_add_epi32(columnStep, _mm512_set1_epi32((int32_t)first));
                const __m512i j0 = _mm512_add_epi32(i0, _mm512_set1_epi32((int32_t)(16 * F)));
                const __m512i rowStep = _mm512_set1_epi32((int32_t)(OW * F));
                const __mmask16 lo1 = _mm512_cmp_ps_mask(a1, a0, _CMP_GT_OQ), hi1 = _mm512_cmp_ps_mask(b1, b0, _CMP_GT_OQ);
                const __m512 mLo = _mm512_mask_blend_ps(lo1, a0, a1), mHi = _mm512_mask_blend_ps(hi1, b0, b1);
                const __m512i iLo = _mm512_mask_add_epi32(i0, lo1, i0, rowStep);
                const __m512i iHi = _mm512_mask_add_epi32(j0, hi1, j0, rowStep);
                const __m512 e = _mm512_permutex2var_ps(mLo, even, mHi), o = _mm512_permutex2var_ps(mLo, odd, mHi);
                const __m512i ie = _mm512_permutex2var_epi32(iLo, even, iHi);
                const __m512i io = _mm512_permutex2var_epi32(iLo, odd, iHi);
                const __mmask16 better = _mm512_cmp_ps_mask(o, e, _CMP_GT_OQ) |
                                         (_mm512_cmp_ps_mask(o, e, _CMP_EQ_OQ) & _mm512_cmplt_epi32_mask(io, ie));
                _mm512_mask_storeu_ps(out + px, stored, _mm512_mask_blend_ps(better, e, o));
                _mm512_mask_storeu_epi32(arg + (f * PH + py) * PW + px, stored, _mm512_mask_blend_epi32(better, ie, io));
            }
        }
}

int latent_planar_forward_pooled(const latent_conv_geometry *g, const float *x, const float *w, const float *bias,
                                 int act, float *y, int32_t *arg, long n0, long n1) {
    if (latent_cpu_level() < 2 || g->sh != 1 || g->sw != 1 || g->oh < 2 || g->ow < 2 || g->f < 1) return 0;
    if (act != LATENT_ACT_IDENTITY && act != LATENT_ACT_RELU) return 0;
    const latent_planar_layout L = latent_planar_layout_of(g);
    const long F = g->f, imageSize = g->h * g->w * g->c;
    const long PH = (g->oh - 2) / 2 + 1, PW = (g->ow - 2) / 2 + 1, pooledPixels = PH * PW;
    // The planar outputs, the pooled ones, and their argmax (as many int32 as floats).
    planar_scratch scratch = scratch_for(g, &L, F * L.paddedPixels + 2 * F * pooledPixels);
    float *planar = scratch.outputs, *pooled = planar + F * L.paddedPixels;
    int32_t *pooledArg = arg ? (int32_t *)(pooled + F * pooledPixels) : NULL;
    for (long n = n0; n < n1; n++) {
        build_planes(g, &L, x + n * imageSize, scratch.channelMajor, scratch.planes);
        image_outputs(&L, scratch.planes, w, bias, act == LATENT_ACT_RELU, NULL, planar);
        pool_planar(&L, n, g->oh, planar, pooled, pooledArg);
        transpose_into(pooled, F, pooledPixels, y + n * pooledPixels * F);
        if (arg) transpose_indices_into(pooledArg, F, pooledPixels, arg + n * pooledPixels * F);
    }
    scratch_free(&scratch);
    return 1;
}

#else

int latent_planar_forward_pooled(const latent_conv_geometry *g, const float *x, const float *w, const float *bias,
                                 int act, float *y, int32_t *arg, long n0, long n1) {
    (void)g; (void)x; (void)w; (void)bias; (void)act; (void)y; (void)arg; (void)n0; (void)n1;
    return 0;
}

int latent_planar_forward(const latent_conv_geometry *g, const float *x, const float *w, const float *bias, int act,
                          float *y, long n0, long n1) {
    (void)g; (void)x; (void)w; (void)bias; (void)act; (void)y; (void)n0; (void)n1;
    return 0;
}

#endif
