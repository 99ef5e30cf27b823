// 2-D convolutions over NHWC images: the one place a convolution's kernel is chosen, from
// the geometry and the CPU. In order of preference:
//
// - forward, stride 1, with AVX-512, where 16 output pixels fill more of a vector than the
//   filters do (LeNet's 20 of 32 lanes, 10 of 16): ConvolutionPlanar.c, with the bits of
//   the two kernels below when the patch has at most LATENT_GEMM_KC taps;
// - one input or one output channel with AVX-512: ConvolutionOneChannel.c, faster than
//   both below (the generic kernels vectorise over channels and have almost none); with
//   AVX2, both forwards and both weight gradients (ConvolutionOneChannelAVX2.c);
// - at least 8 filters over several channels: im2col + the row-invariant GEMM per image,
//   2–2.5× the direct kernels at the lessons' channel counts (LeNet's 10 → 20, the
//   denoiser's 16 → 8; measured with the C harness in bench/gemm);
// - otherwise the direct kernels of ConvolutionTemplate.h.
//
// Every kernel computes an image from that image alone, so a batch may be split anywhere.
#include "CLatentKernels.h"
#include "Lanes.h"
#include "ConvolutionImplicit.h"
#include "ConvolutionOneChannel.h"
#include "ConvolutionPlanar.h"
#include "Transpose.h"
#include "Window.h"
#include <stdlib.h>
#include <string.h>

#define LATENT_TEMPLATE "ConvolutionTemplate.h"
#include "Builds.h"

// ---- im2col + row-invariant GEMM -------------------------------------------------------
// One image at a time: its patch matrix [OH·OW, KH·KW·C] (≤ a few hundred KB for the
// lessons' models) stays in cache while latent_sgemm_rows multiplies it by the kernel
// [KH·KW·C, F], which is already that matrix in row-major order. Each output pixel is
// one GEMM row, so an image's result never depends on the other images in the batch.

// cols[(oh, ow), (kh, kw, c)] = image[oh·s + kh − pt, ow·s + kw − pl, c] (0 outside),
// for output pixels p0..<p1 of the image. Copies go through memcpy and memset: this file
// is built for baseline x86-64, where the loops they replaced moved 4 floats at a time.
static void im2col_pixels(const latent_conv_geometry *g, const float *image, long p0, long p1, float *cols) {
    const long C = g->c;
    const size_t tapBytes = (size_t)C * sizeof(float), rowBytes = (size_t)g->kw * tapBytes;
    float *dst = cols;
    for (long p = p0; p < p1; p++) {
        const long oh = p / g->ow, ow = p % g->ow;
        long iw0 = ow * g->sw - g->pl;
        int rowInside = iw0 >= 0 && iw0 + g->kw <= g->w;
        for (long kh = 0; kh < g->kh; kh++) {
            long ih = oh * g->sh + kh - g->pt;
            if (ih < 0 || ih >= g->h) {
                memset(dst, 0, rowBytes);
            } else if (rowInside) {
                // The kernel row's taps are KW·C consecutive floats of the image row.
                memcpy(dst, image + (ih * g->w + iw0) * C, rowBytes);
            } else {
                for (long kw = 0; kw < g->kw; kw++) {
                    long iw = iw0 + kw;
                    if (iw >= 0 && iw < g->w) memcpy(dst + kw * C, image + (ih * g->w + iw) * C, tapBytes);
                    else memset(dst + kw * C, 0, tapBytes);
                }
            }
            dst += g->kw * C;
        }
    }
}

void latent_im2col_pixels(const latent_conv_geometry *g, const float *image, long p0, long p1, float *cols) {
    im2col_pixels(g, image, p0, p1, cols);
}

static void im2col_image(const latent_conv_geometry *g, const float *image, float *cols) {
    im2col_pixels(g, image, 0, g->oh * g->ow, cols);
}

static float *floats(long n) {
    float *p = malloc((size_t)(n > 0 ? n : 1) * sizeof(float));
    if (!p) abort();
    return p;
}

static void forward_gemm(const latent_conv_geometry *g, const float *x, const float *w, float *y, long n0, long n1) {
    const long C = g->c, F = g->f, patch = g->kh * g->kw * C, pixels = g->oh * g->ow;
    float *cols = floats(pixels * patch);
    for (long n = n0; n < n1; n++) {
        im2col_image(g, x + n * g->h * g->w * C, cols);
        latent_sgemm_rows(0, 0, F, patch, 1.0f, cols, patch, w, F, 0.0f, y + n * pixels * F, F, 0, pixels);
    }
    free(cols);
}

// y = act(conv(x, w) + bias) per image: the GEMM's stores apply the bias and activation
// (latent_dense_rows), with the bits of the product followed by latent_bias_act.
static void forward_gemm_act(const latent_conv_geometry *g, const float *x, const float *w, const float *bias,
                             int act, float *y, long n0, long n1) {
    const long C = g->c, F = g->f, patch = g->kh * g->kw * C, pixels = g->oh * g->ow;
    float *cols = floats(pixels * patch);
    for (long n = n0; n < n1; n++) {
        im2col_image(g, x + n * g->h * g->w * C, cols);
        latent_dense_rows(F, patch, cols, patch, w, bias, act, y + n * pixels * F, F, 0, pixels);
    }
    free(cols);
}

// dw [KH·KW·C, F] += colsᵀ · gy over images n0..<n1: K = every pixel of those images, in
// order, in groups of KC-multiple pixel rows whose patches stay in L2 (all of a batch's
// patches, 3.6 MB for the denoiser's last layer, went to memory and back), with the AVX2
// or AVX-512 GEMM. Cutting K at multiples of the GEMM's K block keeps its recipe: a new
// call's first block adds fma(dw, 1, v), which rounds as the dw + v of the block that
// would have followed.
#define WEIGHT_GROUP_BYTES (256L << 10)
//
// With y, the forward's rows y = cols · w are made from the same patches, group by group
// (a transposed convolution's backward needs both from its output gradient's patches;
// each row of the row-invariant GEMM has the bits of forward_gemm's call per image).
//
// implicit (AVX-512, dwᵀ only, without y): the patches are read in place
// (ConvolutionImplicit.c), with the same bits.
static void backward_weight_gemm(const latent_conv_geometry *g, const float *x, const float *gy, float *dw, long n0,
                                 long n1, const float *w, float *y, int implicit) {
    const long C = g->c, F = g->f, patch = g->kh * g->kw * C, pixels = g->oh * g->ow;
    const long rows = (n1 - n0) * pixels;
    if (rows <= 0) return;
    long group = WEIGHT_GROUP_BYTES / (patch * (long)sizeof(float)) / LATENT_GEMM_KC * LATENT_GEMM_KC;
    if (group < LATENT_GEMM_KC) group = LATENT_GEMM_KC;
    // The baseline GEMM sums all of K in one loop, without K blocks: one call keeps its bits.
    if (group > rows || latent_kernels_level() < 1) group = rows;
    // F columns that leave much of a vector idle (LeNet's 20 of 32 lanes, the denoiser's 8
    // of 16) and a patch that fills its vectors: dwᵀ = gyᵀ · cols instead, F rows of patch
    // columns. The same products over the same K blocks (fma(a, b, s) = fma(b, a, s)),
    // so the same bits; dw is transposed in and out.
    const long laneF = (F + 15) / 16 * 16, lanePatch = (patch + 15) / 16 * 16;
    float *dwt = patch * laneF > F * lanePatch ? floats(F * patch) : NULL;
    if (dwt) transpose_into(dw, patch, F, dwt);
    if (dwt && !y && implicit && latent_implicit_weight_gradient(g, x, gy, dwt, n0, n1)) {
        transpose_into(dwt, F, patch, dw);
        free(dwt);
        return;
    }
    float *cols = floats(group * patch);
    for (long r0 = 0; r0 < rows; r0 += group) {
        const long r1 = r0 + group < rows ? r0 + group : rows;
        for (long r = r0; r < r1;) {
            const long n = n0 + r / pixels, p = r % pixels;
            const long p1 = p + (r1 - r) < pixels ? p + (r1 - r) : pixels;
            im2col_pixels(g, x + n * g->h * g->w * C, p, p1, cols + (r - r0) * patch);
            r += p1 - p;
        }
        const float *gyRows = gy + (n0 * pixels + r0) * F;
        if (dwt) latent_sgemm_rows(1, 0, patch, r1 - r0, 1.0f, gyRows, F, cols, patch, 1.0f, dwt, patch, 0, F);
        else latent_sgemm_rows(1, 0, F, r1 - r0, 1.0f, cols, patch, gyRows, F, 1.0f, dw, F, 0, patch);
        if (y) latent_sgemm_rows(0, 0, F, patch, 1.0f, cols, patch, w, F, 0.0f, y + (n0 * pixels + r0) * F, F, 0, r1 - r0);
    }
    if (dwt) {
        transpose_into(dwt, F, patch, dw);
        free(dwt);
    }
    free(cols);
}

#if LATENT_X86_BUILDS
#include <immintrin.h>
#define GATHER_AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma")))
// col2im for at most 16 channels with AVX-512: a pixel's channels are one masked vector,
// two pixels of a row are summed side by side (two chains of adds), and each image
// column's patch columns (their offset and count) are found once per image. With bias
// (or NULL) and relu, act(v + bias) before the stores: latent_bias_act's operations in its
// order (its relu, v > 0 ? v : 0, is maxps(v, 0)), so its bits without its pass.
GATHER_AVX512 static inline __m512 gather_finish(__m512 v, __m512 bias, int hasBias, int relu) {
    if (hasBias) v = _mm512_add_ps(v, bias);
    return relu ? _mm512_max_ps(v, _mm512_setzero_ps()) : v;
}
// acc + the n patch columns of one pixel at row + offset, `step` floats apart, in order.
GATHER_AVX512 static inline __m512 gather_columns(__m512 acc, const float *row, long offset, long n, long step,
                                                  __mmask16 m) {
    for (long j = 0; j < n; j++) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(m, row + offset + j * step));
    return acc;
}
GATHER_AVX512 static void col2im_gather_narrow(const latent_conv_geometry *g, const float *cols, float *image,
                                               const float *bias, int relu) {
    const long C = g->c, KW = g->kw, taps = g->kh * KW, SH = g->sh, W = g->w;
    const long step = (taps - g->sw) * C, rowFloats = g->ow * taps * C;
    const __mmask16 m = latent_first_lanes(C);
    const __m512 b = bias ? _mm512_maskz_loadu_ps(m, bias) : _mm512_setzero_ps();
    const int hasBias = bias != NULL;
    long stackColumns[2 * 256];
    long *columns = W <= 256 ? stackColumns : malloc((size_t)(2 * W) * sizeof(long));
    if (!columns) abort();
    for (long iw = 0; iw < W; iw++) {
        const long wx = iw + g->pl;
        long ow0, ow1;
        latent_patches_reading(wx, KW, g->sw, g->ow, &ow0, &ow1);
        columns[2 * iw] = (wx + ow0 * (taps - g->sw)) * C;  // offset of patch column ow0's tap
        columns[2 * iw + 1] = ow1 > ow0 ? ow1 - ow0 : 0;
    }
    for (long ih = 0; ih < g->h; ih++) {
        const long hy = ih + g->pt;
        long oh0, oh1;
        latent_patches_reading(hy, g->kh, SH, g->oh, &oh0, &oh1);
        float *out = image + ih * W * C;
        long iw = 0;
        for (; iw + 2 <= W; iw += 2) {
            __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
            for (long oh = oh0; oh < oh1; oh++) {
                const float *row = cols + oh * rowFloats + (hy - oh * SH) * KW * C;
                a0 = gather_columns(a0, row, columns[2 * iw], columns[2 * iw + 1], step, m);
                a1 = gather_columns(a1, row, columns[2 * iw + 2], columns[2 * iw + 3], step, m);
            }
            _mm512_mask_storeu_ps(out + iw * C, m, gather_finish(a0, b, hasBias, relu));
            _mm512_mask_storeu_ps(out + (iw + 1) * C, m, gather_finish(a1, b, hasBias, relu));
        }
        for (; iw < W; iw++) {
            __m512 a0 = _mm512_setzero_ps();
            for (long oh = oh0; oh < oh1; oh++) {
                const float *row = cols + oh * rowFloats + (hy - oh * SH) * KW * C;
                a0 = gather_columns(a0, row, columns[2 * iw], columns[2 * iw + 1], step, m);
            }
            _mm512_mask_storeu_ps(out + iw * C, m, gather_finish(a0, b, hasBias, relu));
        }
    }
    if (columns != stackColumns) free(columns);
}
#endif

// col2im into image, then act(image + bias) when that is done here: returns 1 when it
// was (identity or relu with ≤ 16 channels at AVX-512), 0 when the caller is to apply them.
static int col2im_gather(const latent_conv_geometry *g, const float *cols, float *image, const float *bias, int act) {
#if LATENT_X86_BUILDS
    if (latent_kernels_level() >= 2 && g->c <= 16) {
        const int finished = act == LATENT_ACT_IDENTITY || act == LATENT_ACT_RELU;
        col2im_gather_narrow(g, cols, image, finished ? bias : NULL, finished && act == LATENT_ACT_RELU);
        return finished;
    }
#else
    (void)bias;
    (void)act;
#endif
    LATENT_DISPATCH(col2im_gather, g, cols, image);
    return 0;
}

// dx = act(col2im(gy · wᵀ) + bias) for images n0..<n1 (overwritten; bias NULL and act
// identity: the adjoint alone); w is the kernel [KH·KW·C, F]. The bias and activation
// run on each image right after its col2im, while it is in cache.
static void backward_input_gemm(const latent_conv_geometry *g, const float *gy, const float *w, const float *bias,
                                int act, float *dx, long n0, long n1) {
    const long C = g->c, F = g->f, patch = g->kh * g->kw * C, pixels = g->oh * g->ow, imageSize = g->h * g->w * C;
    // The gather reads up to 16 floats past cols' last entry: slack, zeroed.
    float *cols = floats(pixels * patch + 16);
    memset(cols + pixels * patch, 0, 16 * sizeof(float));
    // wᵀ [F, KH·KW·C] once, rather than the GEMM packing w's transpose for every image
    // (the same products: K = F in order either way).
    float *wt = floats(F * patch);
    transpose_into(w, patch, F, wt);
    for (long n = n0; n < n1; n++) {
        float *image = dx + n * imageSize;
        latent_sgemm_rows(0, 0, patch, F, 1.0f, gy + n * pixels * F, F, wt, patch, 0.0f, cols, patch, 0, pixels);
        const int finished = col2im_gather(g, cols, image, bias, act);
        if (!finished && (bias || act != LATENT_ACT_IDENTITY)) latent_bias_act(image, bias, image, g->h * g->w, C, act);
    }
    free(wt);
    free(cols);
}

// ---- The choice --------------------------------------------------------------------------

// One side of the convolution has a single channel and the other 2…16: a pixel's outputs
// or a tap's channels fit one zmm register (a ymm pair), the one-channel kernels' shape.
static int one_input_geometry(const latent_conv_geometry *g) { return g->c == 1 && g->f >= 2 && g->f <= 16; }
static int one_output_geometry(const latent_conv_geometry *g) { return g->f == 1 && g->c >= 2 && g->c <= 16; }

// Whether the one-channel kernels run: the AVX-512 ones (ConvolutionOneChannel.c) or, on an
// AVX2 machine, theirs (ConvolutionOneChannelAVX2.c: both forwards, both weight gradients).
static int one_input_channel(const latent_conv_geometry *g) {
    return LATENT_X86_BUILDS && latent_kernels_level() >= 2 && one_input_geometry(g);
}
static int one_output_channel(const latent_conv_geometry *g) {
    return LATENT_X86_BUILDS && latent_kernels_level() >= 2 && one_output_geometry(g);
}
static int one_input_channel_avx2(const latent_conv_geometry *g) {
    return LATENT_X86_BUILDS && latent_kernels_level() == 1 && one_input_geometry(g);
}
static int one_output_channel_avx2(const latent_conv_geometry *g) {
    return LATENT_X86_BUILDS && latent_kernels_level() == 1 && one_output_geometry(g);
}

// The forwards im2col + GEMM computes: at least 8 filters over several channels (never a
// one-channel geometry).
static int forward_uses_gemm(const latent_conv_geometry *g) { return g->f >= 8 && g->c > 1; }

// The weight gradient's patches read in place (ConvolutionImplicit.c) with AVX-512, where
// a kernel row fills a vector (LeNet's 5·10 floats, the denoiser's 3·16): the bits of
// the materialised patches.
static int implicit_weight_gradient(const latent_conv_geometry *g) {
    return LATENT_X86_BUILDS && latent_kernels_level() >= 2 && g->kw * g->c >= 16;
}

// The planar forward: stride 1 with AVX-512, in place of the GEMM or the one-input kernel
// with the same bits (a patch of one K block, so every output is one FMA chain from zero
// in tap order on all three paths), where a vector of 16 pixels fills more lanes than
// the filters: LeNet's 8×8 × 20 filters 1.7× the im2col GEMM per image, its 24×24 × 10
// about the one-input kernel; with 32 filters the GEMM is faster (bench/gemm's harness).
static int planar_forward(const latent_conv_geometry *g) {
    if (!LATENT_X86_BUILDS || latent_kernels_level() < 2 || g->sh != 1 || g->sw != 1) return 0;
    if (!(forward_uses_gemm(g) || one_input_geometry(g)) || g->kh * g->kw * g->c > LATENT_GEMM_KC) return 0;
    const long pixels = g->oh * g->ow;
    return g->f * ((pixels + 15) / 16 * 16) < pixels * ((g->f + 15) / 16 * 16);
}

void latent_conv_forward(const latent_conv_geometry *g, const float *x, const float *w, float *y, long n0, long n1) {
    if (planar_forward(g) && latent_planar_forward(g, x, w, NULL, LATENT_ACT_IDENTITY, y, n0, n1)) return;
#if LATENT_X86_BUILDS
    if (one_input_channel(g)) { latent_avx512_conv_forward_one_input(g, x, w, NULL, 0, y, n0, n1); return; }
    if (one_input_channel_avx2(g)) { latent_avx2_conv_forward_one_input(g, x, w, NULL, 0, y, n0, n1); return; }
    if (one_output_channel_avx2(g)) { latent_avx2_conv_forward_one_output(g, x, w, y, n0, n1); return; }
    if (one_output_channel(g)) { latent_avx512_conv_forward_one_output(g, x, w, y, n0, n1); return; }
#endif
    if (forward_uses_gemm(g)) { forward_gemm(g, x, w, y, n0, n1); return; }
    LATENT_DISPATCH(conv_forward, g, x, w, y, n0, n1);
}

void latent_conv_forward_act(const latent_conv_geometry *g, const float *x, const float *w, const float *bias, int act,
                             float *y, long n0, long n1) {
    if (!bias && act == LATENT_ACT_IDENTITY) { latent_conv_forward(g, x, w, y, n0, n1); return; }
    if (planar_forward(g) && latent_planar_forward(g, x, w, bias, act, y, n0, n1)) return;
    if (forward_uses_gemm(g)) { forward_gemm_act(g, x, w, bias, act, y, n0, n1); return; }
#if LATENT_X86_BUILDS
    if (one_input_channel(g) && (act == LATENT_ACT_IDENTITY || act == LATENT_ACT_RELU)) {
        latent_avx512_conv_forward_one_input(g, x, w, bias, act == LATENT_ACT_RELU, y, n0, n1);
        return;
    }
    if (one_input_channel_avx2(g) && (act == LATENT_ACT_IDENTITY || act == LATENT_ACT_RELU)) {
        latent_avx2_conv_forward_one_input(g, x, w, bias, act == LATENT_ACT_RELU, y, n0, n1);
        return;
    }
#endif
    // Other kernels: the images' outputs, then the pass over them while they are in cache.
    latent_conv_forward(g, x, w, y, n0, n1);
    float *out = y + n0 * g->oh * g->ow * g->f;
    latent_bias_act(out, bias, out, (n1 - n0) * g->oh * g->ow, g->f, act);
}

int latent_conv_fuses_pooling(const latent_conv_geometry *g, int act) {
    return planar_forward(g) && g->oh >= 2 && g->ow >= 2 && (act == LATENT_ACT_IDENTITY || act == LATENT_ACT_RELU);
}

int latent_conv_forward_pooled(const latent_conv_geometry *g, const float *x, const float *w, const float *bias,
                               int act, float *y, int32_t *arg, long n0, long n1) {
    return latent_conv_fuses_pooling(g, act) && latent_planar_forward_pooled(g, x, w, bias, act, y, arg, n0, n1);
}

void latent_conv_backward_input(const latent_conv_geometry *g, const float *gy, const float *w, float *dx, long n0,
                                long n1) {
    // GEMM (gy · wᵀ) + col2im (a gather, ConvolutionTemplate.h): faster than the direct
    // kernels at every shape of the lessons but one output channel.
    if (g->f > 1) { backward_input_gemm(g, gy, w, NULL, LATENT_ACT_IDENTITY, dx, n0, n1); return; }
    // One filter: the kernel transposed per tap, [KH, KW, F, C], which the direct
    // kernels read, is the kernel itself.
#if LATENT_X86_BUILDS
    if (one_output_channel(g)) { latent_avx512_conv_backward_input_one_output(g, gy, w, dx, n0, n1); return; }
#endif
    LATENT_DISPATCH(conv_backward_input, g, gy, w, dx, n0, n1);
}

void latent_conv_backward_input_act(const latent_conv_geometry *g, const float *gy, const float *w, const float *bias,
                                    int act, float *dx, long n0, long n1) {
    if (g->f > 1) { backward_input_gemm(g, gy, w, bias, act, dx, n0, n1); return; }
    latent_conv_backward_input(g, gy, w, dx, n0, n1);
    if (!bias && act == LATENT_ACT_IDENTITY) return;
    float *out = dx + n0 * g->h * g->w * g->c;
    latent_bias_act(out, bias, out, (n1 - n0) * g->h * g->w, g->c, act);
}

void latent_conv_backward_weight(const latent_conv_geometry *g, const float *x, const float *gy, float *dw, long n0,
                                 long n1) {
#if LATENT_X86_BUILDS
    if (g->kh * g->kw <= 64 && one_input_channel(g))
        { latent_avx512_conv_backward_weight_single(g, x, gy, dw, n0, n1, 1); return; }
    if (g->kh * g->kw <= 64 && one_output_channel(g))
        { latent_avx512_conv_backward_weight_single(g, x, gy, dw, n0, n1, 0); return; }
    if (g->kh * g->kw <= 64 && one_input_channel_avx2(g))
        { latent_avx2_conv_backward_weight_single(g, x, gy, dw, n0, n1, 1); return; }
    if (g->kh * g->kw <= 64 && one_output_channel_avx2(g))
        { latent_avx2_conv_backward_weight_single(g, x, gy, dw, n0, n1, 0); return; }
#endif
    // im2col + GEMM: 2.5–3× a direct kernel on LeNet's and the denoiser's layers (bench/gemm).
    backward_weight_gemm(g, x, gy, dw, n0, n1, NULL, NULL, implicit_weight_gradient(g));
}

int latent_conv_shares_patches(const latent_conv_geometry *g) { return forward_uses_gemm(g) && !planar_forward(g); }

int latent_conv_forward_and_weight(const latent_conv_geometry *g, const float *x, const float *w, const float *gy,
                                   float *y, float *dw, long n0, long n1) {
    if (!latent_conv_shares_patches(g)) return 0;
    backward_weight_gemm(g, x, gy, dw, n0, n1, w, y, 0);
    return 1;
}

int latent_conv_forward_path(int path, const latent_conv_geometry *g, const float *x, const float *w,
                             const float *bias, int act, float *y, long n0, long n1) {
    if (path == 1) return latent_planar_forward(g, x, w, bias, act, y, n0, n1);
    forward_gemm_act(g, x, w, bias, act, y, n0, n1);
    return 1;
}

int latent_conv_backward_weight_path(int path, const latent_conv_geometry *g, const float *x, const float *gy,
                                     float *dw, long n0, long n1) {
    if (path == 1 && (latent_cpu_level() < 2 || g->kw * g->c < 16)) return 0;
    backward_weight_gemm(g, x, gy, dw, n0, n1, NULL, NULL, path == 1);
    return 1;
}

int latent_conv_one_channel_level(int level, int kind, const latent_conv_geometry *g, const float *a, const float *b,
                                  float *out, long n0, long n1) {
#if LATENT_X86_BUILDS
    if (level > latent_cpu_level() || level < 1 || g->kh * g->kw > 64) return 0;
    int oneIn = one_input_geometry(g), oneOut = one_output_geometry(g);
    if (kind == 0 && oneIn) {
        if (level == 2) latent_avx512_conv_forward_one_input(g, a, b, NULL, 0, out, n0, n1);
        else latent_avx2_conv_forward_one_input(g, a, b, NULL, 0, out, n0, n1);
        return 1;
    }
    if (kind == 0 && oneOut) {
        if (level == 2) latent_avx512_conv_forward_one_output(g, a, b, out, n0, n1);
        else latent_avx2_conv_forward_one_output(g, a, b, out, n0, n1);
        return 1;
    }
    if (kind == 1 && (oneIn || oneOut)) {
        if (level == 2) latent_avx512_conv_backward_weight_single(g, a, b, out, n0, n1, oneIn);
        else latent_avx2_conv_backward_weight_single(g, a, b, out, n0, n1, oneIn);
        return 1;
    }
    if (kind == 2 && oneOut && level == 2) {
        latent_avx512_conv_backward_input_one_output(g, a, b, out, n0, n1);
        return 1;
    }
#else
    (void)level; (void)kind; (void)g; (void)a; (void)b; (void)out; (void)n0; (void)n1;
#endif
    return 0;
}
