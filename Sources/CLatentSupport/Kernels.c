// Vectorised kernels with run-time dispatch: an AVX2+FMA build of Kernels.inc when the
// CPU has it (x86-64 with clang), the baseline build otherwise.
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
#endif

#define FN(name) latent_base_##name
#include "KernelsTemplate.h"
#undef FN

#if LATENT_HAVE_AVX2_BUILD
static int latent_use_avx2(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached;
}
#define DISPATCH(name, ...) \
    (latent_use_avx2() ? latent_avx2_##name(__VA_ARGS__) : latent_base_##name(__VA_ARGS__))
#else
#define DISPATCH(name, ...) latent_base_##name(__VA_ARGS__)
#endif

int latent_kernels_use_avx2(void) {
#if LATENT_HAVE_AVX2_BUILD
    return latent_use_avx2();
#else
    return 0;
#endif
}

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
    DISPATCH(conv_forward_blocked, g, x, w, y, n0, n1);
}

void latent_conv_backward_input(const latent_conv_geometry *g, const float *gy, const float *wt, float *dx, long n0, long n1) {
    DISPATCH(conv_backward_input_blocked, g, gy, wt, dx, n0, n1);
}

void latent_conv_backward_weight(const latent_conv_geometry *g, const float *x, const float *gy, float *dw, long n0, long n1) {
    DISPATCH(conv_backward_weight_blocked, g, x, gy, dw, n0, n1);
}
