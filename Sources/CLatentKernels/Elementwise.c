// Elementwise kernels (ElementwiseTemplate.h), one build per instruction set, chosen at
// run time.
#include "CLatentKernels.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LATENT_TEMPLATE "ElementwiseTemplate.h"
#include "Builds.h"

void latent_unary(int op, const float *x, float *y, long n) { LATENT_DISPATCH(unary, op, x, y, n); }

void latent_binary(int op, const float *a, long sa, const float *b, long sb, float *out, long n) {
    LATENT_DISPATCH(binary, op, a, sa, b, sb, out, n);
}

void latent_bias_act(const float *z, const float *bias, float *y, long rows, long cols, int act) {
    LATENT_DISPATCH(bias_act, z, bias, y, rows, cols, act);
}

void latent_bias_act_level(int level, const float *z, const float *bias, float *y, long rows, long cols, int act) {
    int have = latent_cpu_level();  // the CPU's, not LATENT_KERNELS's: tests compare the builds
    LATENT_DISPATCH_AT(level < have ? level : have, bias_act, z, bias, y, rows, cols, act);
}

void latent_act_grad(const float *g, const float *y, float *dz, long n, int act) {
    LATENT_DISPATCH(act_grad, g, y, dz, n, act);
}

void latent_column_sums(const float *x, float *out, long rows, long cols) {
    LATENT_DISPATCH(column_sums, x, out, rows, cols);
}

double latent_distance_sum(const float *p, const float *t, long n, int kind) {
    return LATENT_DISPATCH(distance_sum, p, t, n, kind);
}

void latent_distance_sums(const float *p, long ldp, const float *t, long ldt, long rows, long n, int kind,
                          double *out) {
    LATENT_DISPATCH(distance_sums, p, ldp, t, ldt, rows, n, kind, out);
}

void latent_distance_grad(const float *p, const float *t, float *out, long n, float s, int kind) {
    LATENT_DISPATCH(distance_grad, p, t, out, n, s, kind);
}

void latent_adam(float *p, const float *g, const float *g2, float *m, float *v, long n, float b1, float b2,
                 float eps, float alpha, float l2, float shrink) {
    LATENT_DISPATCH(adam, p, g, g2, m, v, n, b1, b2, eps, alpha, l2, shrink);
}

long latent_first_non_finite(const float *x, long n) { return LATENT_DISPATCH(first_non_finite, x, n); }
