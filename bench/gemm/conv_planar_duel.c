// The forward convolution's paths side by side in one process, alternately (this VM's
// speed drifts too much between runs to compare them otherwise): im2col + GEMM
// (latent_conv_forward_path 0), the planar kernel (path 1) and whatever
// latent_conv_forward_act chooses, on LeNet's layers and a few others, with bias and relu.
// Prints µs per image, GFLOP/s, and how many outputs' bits differ from the GEMM path's.
#include "CLatentKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static void fill(float *p, long n, unsigned s) {
    for (long i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        p[i] = (float)(s >> 8) / 16777216.0f - 0.5f;
    }
}

static void run(const char *name, long N, long H, long W, long C, long F, long K, long pad) {
    latent_conv_geometry g = {N, H, W, C, F, K, K, 1, 1, pad, pad, H + 2 * pad - K + 1, W + 2 * pad - K + 1};
    long xs = N * H * W * C, ws = K * K * C * F, ys = N * g.oh * g.ow * F;
    float *x = malloc(xs * 4), *w = malloc(ws * 4), *b = malloc(F * 4);
    float *y[3] = {malloc(ys * 4), malloc(ys * 4), malloc(ys * 4)};
    fill(x, xs, 1);
    fill(w, ws, 2);
    fill(b, F, 3);
    const int relu = LATENT_ACT_RELU;
    if (!latent_conv_forward_path(1, &g, x, w, b, relu, y[1], 0, N)) {
        printf("%-24s the planar kernel needs AVX-512\n", name);
        return;
    }
    double best[3] = {1e9, 1e9, 1e9};
    for (int r = 0; r < 15; r++)
        for (int v = 0; v < 3; v++) {
            int which = (v + r) % 3;
            double t0 = now();
            if (which == 2) latent_conv_forward_act(&g, x, w, b, relu, y[2], 0, N);
            else latent_conv_forward_path(which, &g, x, w, b, relu, y[which], 0, N);
            double t = now() - t0;
            if (t < best[which]) best[which] = t;
        }
    long differing = 0;
    for (long i = 0; i < ys; i++) differing += memcmp(&y[0][i], &y[1][i], 4) != 0;
    double flops = 2.0 * g.oh * g.ow * K * K * C * F * N;
    printf("%-24s gemm %7.2f µs/image (%5.1f GF/s)  planar %7.2f (%5.1f)  chosen %7.2f  bits differing %ld\n",
           name, best[0] / N * 1e6, flops / best[0] / 1e9, best[1] / N * 1e6, flops / best[1] / 1e9,
           best[2] / N * 1e6, differing);
}

int main(void) {
    run("lenet 2: 12x12x10 > 20", 64, 12, 12, 10, 20, 5, 0);
    run("lenet 1: 28x28x1 > 10", 64, 28, 28, 1, 10, 5, 0);
    run("9x8x3 > 33, 3x3 same", 64, 9, 8, 3, 33, 3, 1);
    run("28x28x16 > 8, 3x3 same", 16, 28, 28, 16, 8, 3, 1);
    run("32x32x16 > 32, 3x3 same", 16, 32, 32, 16, 32, 3, 1);
    run("14x14x32 > 64, 3x3 same", 16, 14, 14, 32, 64, 3, 1);
    return 0;
}
