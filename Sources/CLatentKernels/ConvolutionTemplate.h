// Direct 2-D convolutions over NHWC images (no im2col buffer), written as plain loops that
// clang vectorises. Convolution.c compiles this file once per instruction set (Builds.h)
// and chooses among these kernels, the one-channel AVX-512 ones and im2col + GEMM.
//
// Geometry: input [N, H, W, C], kernel [KH, KW, C, F], output [N, OH, OW, F]. Each call
// handles images n0..<n1, so callers can split a batch across threads.

// y = conv(x, w) with one output channel (F = 1): a dot product per pixel, eight lanes
// over the channels, summed in a fixed tree.
static void FN(conv_forward_dot)(const latent_conv_geometry *g, const float *x, const float *w, float *y, long n0,
                                 long n1) {
    const long C = g->c;
    for (long n = n0; n < n1; n++)
    for (long oh = 0; oh < g->oh; oh++)
    for (long ow = 0; ow < g->ow; ow++) {
        float acc[8] = {0};
        float tail = 0.0f;
        LATENT_FOR_EACH_TAP_INSIDE(g, oh, ow, t, p) {
            const float *xp = x + (n * g->h * g->w + p) * C;
            const float *wp = w + t * C;
            long c = 0;
            for (; c + 8 <= C; c += 8)
                for (int l = 0; l < 8; l++) acc[l] += xp[c + l] * wp[c + l];
            for (; c < C; c++) tail += xp[c] * wp[c];
        }
        y[(n * g->oh + oh) * g->ow + ow] =
            ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail;
    }
}

// dx = convᵀ(gy, wt) with one input channel (C = 1), the kernel per tap transposed:
// wt [KH, KW, F, C]. Overwrites dx for images n0..<n1.
static void FN(conv_backward_input_dot)(const latent_conv_geometry *g, const float *gy, const float *wt, float *dx,
                                        long n0, long n1) {
    const long F = g->f;
    for (long i = n0 * g->h * g->w; i < n1 * g->h * g->w; i++) dx[i] = 0.0f;
    for (long n = n0; n < n1; n++)
    for (long oh = 0; oh < g->oh; oh++)
    for (long ow = 0; ow < g->ow; ow++) {
        const float *go = gy + ((n * g->oh + oh) * g->ow + ow) * F;
        LATENT_FOR_EACH_TAP_INSIDE(g, oh, ow, t, p) {
            const float *wp = wt + t * F;
            float s = 0.0f;
            for (long f = 0; f < F; f++) s += go[f] * wp[f];
            dx[n * g->h * g->w + p] += s;
        }
    }
}

// Register-blocked kernels: W output lanes (8, 16, 24 or 32) accumulate in registers
// across every tap and channel, and memory is touched once per block. Kernels and
// gradients are padded to a multiple of 8 lanes by the drivers below.
#ifndef LATENT_CONV_BLOCKED
#define LATENT_CONV_BLOCKED(W)                                                                         \
/* y[pixel, f0..f0+W) = Σ_taps Σ_c x[in pixel, c] · wp[tap, c, f0..f0+W); wp is [KH, KW, C, Fp]. */    \
static void FN(conv_fwd_w##W)(const latent_conv_geometry *g, const float *x, const float *wp, long Fp, \
                              long f0, float *y, long n0, long n1) {                                  \
    const long C = g->c, F = g->f;                                                                     \
    const long valid = F - f0 < W ? F - f0 : W;                                                        \
    for (long n = n0; n < n1; n++)                                                                     \
    for (long oh = 0; oh < g->oh; oh++)                                                                \
    for (long ow = 0; ow < g->ow; ow++) {                                                              \
        float acc[W] = {0};                                                                            \
        LATENT_FOR_EACH_TAP_INSIDE(g, oh, ow, t, p) {                                                  \
            const float *xp = x + (n * g->h * g->w + p) * C;                                           \
            const float *wt = wp + t * C * Fp + f0;                                                    \
            for (long c = 0; c < C; c++) {                                                             \
                float xv = xp[c];                                                                      \
                const float *wr = wt + c * Fp;                                                         \
                for (int l = 0; l < W; l++) acc[l] += xv * wr[l];                                      \
            }                                                                                          \
        }                                                                                              \
        float *yo = y + ((n * g->oh + oh) * g->ow + ow) * F + f0;                                      \
        for (long l = 0; l < valid; l++) yo[l] = acc[l];                                               \
    }                                                                                                  \
}                                                                                                      \
/* dxp[in pixel, c0..c0+W) += Σ_f gy[pixel, f] · wt[tap, f, c0..c0+W); dxp is [N, H, W, Cp]. */     \
static void FN(conv_bwi_w##W)(const latent_conv_geometry *g, const float *gy, const float *wt, long Cp, \
                              long c0, float *dxp, long n0, long n1) {                                 \
    const long F = g->f;                                                                               \
    for (long n = n0; n < n1; n++)                                                                     \
    for (long oh = 0; oh < g->oh; oh++)                                                                \
    for (long ow = 0; ow < g->ow; ow++) {                                                              \
        const float *go = gy + ((n * g->oh + oh) * g->ow + ow) * F;                                    \
        LATENT_FOR_EACH_TAP_INSIDE(g, oh, ow, t, p) {                                                  \
            float acc[W] = {0};                                                                        \
            const float *wp = wt + t * F * Cp + c0;                                                    \
            for (long f = 0; f < F; f++) {                                                             \
                float gv = go[f];                                                                      \
                const float *wr = wp + f * Cp;                                                         \
                for (int l = 0; l < W; l++) acc[l] += gv * wr[l];                                      \
            }                                                                                          \
            float *d = dxp + ((n - n0) * g->h * g->w + p) * Cp + c0;                                   \
            for (int l = 0; l < W; l++) d[l] += acc[l];                                                \
        }                                                                                              \
    }                                                                                                  \
}
#endif

LATENT_CONV_BLOCKED(8)
LATENT_CONV_BLOCKED(16)
LATENT_CONV_BLOCKED(24)
LATENT_CONV_BLOCKED(32)

#ifndef LATENT_CONV_PICK
#define LATENT_CONV_PICK(KIND, W, ...)                       \
    switch (W) {                                             \
    case 8: FN(KIND##_w8)(__VA_ARGS__); break;               \
    case 16: FN(KIND##_w16)(__VA_ARGS__); break;             \
    case 24: FN(KIND##_w24)(__VA_ARGS__); break;             \
    default: FN(KIND##_w32)(__VA_ARGS__); break;             \
    }
#endif

static inline long FN(round8)(long v) { return (v + 7) / 8 * 8; }

// y = conv(x, w) for images n0..<n1.
static void FN(conv_forward)(const latent_conv_geometry *g, const float *x, const float *w, float *y, long n0, long n1) {
    const long taps = g->kh * g->kw, C = g->c, F = g->f, Fp = FN(round8)(F);
    if (F == 1) { FN(conv_forward_dot)(g, x, w, y, n0, n1); return; }
    float *wp = calloc((size_t)(taps * C * Fp), sizeof(float));
    if (!wp) abort();
    for (long t = 0; t < taps * C; t++) memcpy(wp + t * Fp, w + t * F, (size_t)F * sizeof(float));
    for (long f0 = 0; f0 < Fp; f0 += 32) {
        long W = Fp - f0 < 32 ? Fp - f0 : 32;
        LATENT_CONV_PICK(conv_fwd, W, g, x, wp, Fp, f0, y, n0, n1)
    }
    free(wp);
}

// dx = convᵀ(gy, wt) for images n0..<n1 (overwritten), wt [KH, KW, F, C].
static void FN(conv_backward_input)(const latent_conv_geometry *g, const float *gy, const float *wt, float *dx, long n0,
                                    long n1) {
    const long taps = g->kh * g->kw, C = g->c, F = g->f, Cp = FN(round8)(C);
    if (C == 1) { FN(conv_backward_input_dot)(g, gy, wt, dx, n0, n1); return; }
    const long pixels = (n1 - n0) * g->h * g->w;
    float *wtp = calloc((size_t)(taps * F * Cp), sizeof(float));
    float *dxp = calloc((size_t)(pixels * Cp), sizeof(float));
    if (!wtp || !dxp) abort();
    for (long t = 0; t < taps * F; t++) memcpy(wtp + t * Cp, wt + t * C, (size_t)C * sizeof(float));
    for (long c0 = 0; c0 < Cp; c0 += 32) {
        long W = Cp - c0 < 32 ? Cp - c0 : 32;
        LATENT_CONV_PICK(conv_bwi, W, g, gy, wtp, Cp, c0, dxp, n0, n1)
    }
    float *dst = dx + n0 * g->h * g->w * C;
    for (long p = 0; p < pixels; p++) memcpy(dst + p * C, dxp + p * Cp, (size_t)C * sizeof(float));
    free(wtp);
    free(dxp);
}

// image = the adjoint of im2col for one image, cols [OH·OW, KH·KW·C] followed by at least
// 16 floats of slack: each pixel the sum of the patch entries that read it. A gather: a
// pixel's entries are added in a 16-lane register in the patches' order (ascending oh,
// then ow: the order of a scatter over the patches, so the same bits), and the pixel is
// written once. The scatter read and wrote a pixel once per entry, and its masked or
// partial vectors could not forward one entry's store to the next entry's load.
//
// Lanes past a pixel's channels add the next floats of cols (other taps' values, or the
// slack) and are stored into the following pixels, which are written later and overwrite
// them; within the image's last 16 floats only the channels are stored.
static void FN(col2im_gather)(const latent_conv_geometry *g, const float *cols, float *image) {
    const long C = g->c, KW = g->kw, taps = g->kh * KW, SH = g->sh, SW = g->sw;
    const long size = g->h * g->w * C;
    // Patch columns [ow0, ow1) that read image column iw (kw = wx − ow·SW in [0, KW)),
    // found once: a division per pixel costs more than a pixel's adds.
    long stackRanges[2 * 256];
    long *ranges = g->w <= 256 ? stackRanges : malloc((size_t)(2 * g->w) * sizeof(long));
    if (!ranges) abort();
    for (long iw = 0; iw < g->w; iw++)
        latent_patches_reading(iw + g->pl, KW, SW, g->ow, &ranges[2 * iw], &ranges[2 * iw + 1]);
    for (long ih = 0; ih < g->h; ih++) {
        // Patch rows oh that read image row ih: kh = hy − oh·SH in [0, KH).
        const long hy = ih + g->pt;
        long oh0, oh1;
        latent_patches_reading(hy, g->kh, SH, g->oh, &oh0, &oh1);
        for (long iw = 0; iw < g->w; iw++) {
            const long wx = iw + g->pl, ow0 = ranges[2 * iw], ow1 = ranges[2 * iw + 1];
            const long at = (ih * g->w + iw) * C;
            float *d = image + at;
            for (long c = 0; c < C; c += 16) {
                float acc[16];
                for (int l = 0; l < 16; l++) acc[l] = 0.0f;
                for (long oh = oh0; oh < oh1; oh++) {
                    const float *row = cols + (oh * g->ow * taps + (hy - oh * SH) * KW + wx) * C + c;
                    for (long ow = ow0; ow < ow1; ow++) {
                        const float *src = row + ow * (taps - SW) * C;
                        for (int l = 0; l < 16; l++) acc[l] += src[l];
                    }
                }
                if (at + c + 16 <= size) {
                    for (int l = 0; l < 16; l++) d[c + l] = acc[l];
                } else {
                    for (long l = 0; l < 16 && c + l < C; l++) d[c + l] = acc[l];
                }
            }
        }
    }
    if (ranges != stackRanges) free(ranges);
}
