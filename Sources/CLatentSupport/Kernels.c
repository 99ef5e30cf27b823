// Vectorised kernels with run-time dispatch: an AVX-512 build of KernelsTemplate.h when
// the CPU has it, else an AVX2+FMA build (x86-64 with clang), else the baseline build.
#include "CLatentSupport.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__clang__) && defined(__x86_64__)
#define LATENT_HAVE_AVX2_BUILD 1
#define FN(name) latent_avx2_##name
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#include "KernelsTemplate.h"
#pragma clang attribute pop
#undef FN

// 512-bit vectors: clang's loop vectoriser uses zmm registers when asked to prefer them.
#define FN(name) latent_avx512_##name
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma"), \
                                            min_vector_width(512))), apply_to = function)
#include "KernelsTemplate.h"
#pragma clang attribute pop
#undef FN
#endif

#define FN(name) latent_base_##name
#include "KernelsTemplate.h"
#undef FN

#if LATENT_HAVE_AVX2_BUILD
// 2: AVX-512 (F, VL, BW, DQ), 1: AVX2+FMA, 0: baseline. LATENT_KERNELS=avx2 or baseline
// caps it (to compare the builds on one machine).
static int latent_level(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        int level = 0;
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = 1;
        if (level == 1 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
            __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")) level = 2;
        const char *cap = getenv("LATENT_KERNELS");
        if (cap && strcmp(cap, "avx2") == 0 && level > 1) level = 1;
        if (cap && strcmp(cap, "baseline") == 0) level = 0;
        cached = level;
    }
    return cached;
}
#define DISPATCH(name, ...)                                   \
    (latent_level() == 2   ? latent_avx512_##name(__VA_ARGS__) \
     : latent_level() == 1 ? latent_avx2_##name(__VA_ARGS__)   \
                           : latent_base_##name(__VA_ARGS__))
#else
#define DISPATCH(name, ...) latent_base_##name(__VA_ARGS__)
#endif

int latent_kernels_level(void) {
#if LATENT_HAVE_AVX2_BUILD
    return latent_level();
#else
    return 0;
#endif
}

int latent_kernels_use_avx2(void) { return latent_kernels_level() >= 1; }

void latent_unary(int op, const float *x, float *y, long n) { DISPATCH(unary, op, x, y, n); }

void latent_binary(int op, const float *a, long sa, const float *b, long sb, float *out, long n) {
    DISPATCH(binary, op, a, sa, b, sb, out, n);
}

void latent_bias_act(const float *z, const float *bias, float *y, long rows, long cols, int act) {
    DISPATCH(bias_act, z, bias, y, rows, cols, act);
}

void latent_act_grad(const float *g, const float *y, float *dz, long n, int act) {
    DISPATCH(act_grad, g, y, dz, n, act);
}

void latent_column_sums(const float *x, float *out, long rows, long cols) {
    DISPATCH(column_sums, x, out, rows, cols);
}

double latent_distance_sum(const float *p, const float *t, long n, int kind) {
    return DISPATCH(distance_sum, p, t, n, kind);
}

void latent_distance_grad(const float *p, const float *t, float *out, long n, float s, int kind) {
    DISPATCH(distance_grad, p, t, out, n, s, kind);
}

void latent_adam(float *p, const float *g, float *m, float *v, long n, float b1, float b2, float eps,
                 float alpha, float l2, float shrink) {
    DISPATCH(adam, p, g, m, v, n, b1, b2, eps, alpha, l2, shrink);
}

void latent_maxpool_forward(const latent_conv_geometry *g, const float *x, float *y, int32_t *arg, long n0, long n1) {
    DISPATCH(maxpool_forward, g, x, y, arg, n0, n1);
}

void latent_conv_forward(const latent_conv_geometry *g, const float *x, const float *w, float *y, long n0, long n1) {
    if (latent_conv_forward_one_channel(g, x, w, y, n0, n1) || latent_conv_forward_one_output(g, x, w, y, n0, n1)) return;
    DISPATCH(conv_forward_blocked, g, x, w, y, n0, n1);
}

void latent_conv_backward_input(const latent_conv_geometry *g, const float *gy, const float *wt, float *dx, long n0, long n1) {
    if (latent_conv_backward_input_one_output(g, gy, wt, dx, n0, n1)) return;
    DISPATCH(conv_backward_input_blocked, g, gy, wt, dx, n0, n1);
}

void latent_conv_backward_weight(const latent_conv_geometry *g, const float *x, const float *gy, float *dw, long n0, long n1) {
    if (latent_conv_backward_weight_special(g, x, gy, dw, n0, n1)) return;
    // im2col + GEMM: 2.5–3× the direct kernel on LeNet's and the denoiser's layers (bench/gemm).
    // Groups of 32 images bound the patch buffer.
    for (long n = n0; n < n1; n += 32) latent_conv_backward_weight_gemm(g, x, gy, dw, n, n + 32 < n1 ? n + 32 : n1);
}

// ---- Convolutions as im2col + row-invariant GEMM ---------------------------------------
// One image at a time: its patch matrix [OH·OW, KH·KW·C] (≤ a few hundred KB for the
// lessons' models) stays in cache while latent_sgemm_rows multiplies it by the kernel
// [KH·KW·C, F], which is already that matrix in row-major order. Each output pixel is
// one GEMM row, so an image's result never depends on the other images in the batch.

// cols[(oh, ow), (kh, kw, c)] = image[oh·s + kh − pt, ow·s + kw − pl, c] (0 outside).
static void latent_im2col_image(const latent_conv_geometry *g, const float *image, float *cols) {
    const long C = g->c;
    float *dst = cols;
    for (long oh = 0; oh < g->oh; oh++)
    for (long ow = 0; ow < g->ow; ow++) {
        long iw0 = ow * g->sw - g->pl;
        int rowInside = iw0 >= 0 && iw0 + g->kw <= g->w;
        for (long kh = 0; kh < g->kh; kh++) {
            long ih = oh * g->sh + kh - g->pt;
            if (ih < 0 || ih >= g->h) {
                for (long t = 0; t < g->kw * C; t++) dst[t] = 0.0f;
            } else if (rowInside) {
                // The kernel row's taps are KW·C consecutive floats of the image row.
                const float *src = image + (ih * g->w + iw0) * C;
                for (long t = 0; t < g->kw * C; t++) dst[t] = src[t];
            } else {
                for (long kw = 0; kw < g->kw; kw++) {
                    long iw = iw0 + kw;
                    const float *src = image + (ih * g->w + iw) * C;
                    int inside = iw >= 0 && iw < g->w;
                    for (long c = 0; c < C; c++) dst[kw * C + c] = inside ? src[c] : 0.0f;
                }
            }
            dst += g->kw * C;
        }
    }
}

// image = Σ of the patch entries that read each pixel (the adjoint of im2col), overwritten.
static void latent_col2im_image(const latent_conv_geometry *g, const float *cols, float *image) {
    const long C = g->c;
    for (long i = 0; i < g->h * g->w * C; i++) image[i] = 0.0f;
    const float *src = cols;
    for (long oh = 0; oh < g->oh; oh++)
    for (long ow = 0; ow < g->ow; ow++)
    for (long kh = 0; kh < g->kh; kh++) {
        long ih = oh * g->sh + kh - g->pt;
        for (long kw = 0; kw < g->kw; kw++) {
            long iw = ow * g->sw + kw - g->pl;
            if (ih >= 0 && ih < g->h && iw >= 0 && iw < g->w) {
                float *d = image + (ih * g->w + iw) * C;
                for (long c = 0; c < C; c++) d[c] += src[c];
            }
            src += C;
        }
    }
}

static float *latent_floats(long n) {
    float *p = malloc((size_t)(n > 0 ? n : 1) * sizeof(float));
    if (!p) abort();
    return p;
}

void latent_conv_forward_gemm(const latent_conv_geometry *g, const float *x, const float *w, float *y, long n0, long n1) {
    const long C = g->c, F = g->f, patch = g->kh * g->kw * C, pixels = g->oh * g->ow;
    float *cols = latent_floats(pixels * patch);
    for (long n = n0; n < n1; n++) {
        latent_im2col_image(g, x + n * g->h * g->w * C, cols);
        latent_sgemm_rows(0, 0, F, patch, 1.0f, cols, patch, w, F, 0.0f, y + n * pixels * F, F, 0, pixels);
    }
    free(cols);
}

// dw [KH·KW·C, F] += colsᵀ · gy over images n0..<n1: one GEMM with K = every pixel of
// those images, in order.
void latent_conv_backward_weight_gemm(const latent_conv_geometry *g, const float *x, const float *gy, float *dw, long n0, long n1) {
    const long C = g->c, F = g->f, patch = g->kh * g->kw * C, pixels = g->oh * g->ow;
    const long images = n1 - n0;
    if (images <= 0) return;
    float *cols = latent_floats(images * pixels * patch);
    for (long n = n0; n < n1; n++) latent_im2col_image(g, x + n * g->h * g->w * C, cols + (n - n0) * pixels * patch);
    latent_sgemm_rows(1, 0, F, images * pixels, 1.0f, cols, patch, gy + n0 * pixels * F, F, 1.0f, dw, F, 0, patch);
    free(cols);
}

// dx = col2im(gy · wᵀ) for images n0..<n1 (overwritten); w is the kernel [KH·KW·C, F].
void latent_conv_backward_input_gemm(const latent_conv_geometry *g, const float *gy, const float *w, float *dx, long n0, long n1) {
    const long C = g->c, F = g->f, patch = g->kh * g->kw * C, pixels = g->oh * g->ow;
    float *cols = latent_floats(pixels * patch);
    for (long n = n0; n < n1; n++) {
        latent_sgemm_rows(0, 1, patch, F, 1.0f, gy + n * pixels * F, F, w, F, 0.0f, cols, patch, 0, pixels);
        latent_col2im_image(g, cols, dx + n * g->h * g->w * C);
    }
    free(cols);
}
