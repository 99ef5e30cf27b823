// Standalone checks and timings for latent_sgemm_rows (Sources/CLatentKernels/RowInvariantGEMM.c).
// Build and run: see bench/gemm/README.md.
//   ./gemm_harness            correctness, row invariance, speed
//   ./gemm_harness check      correctness and row invariance only
//   ./gemm_harness speed      speed only
//   ./gemm_harness train      training's NN / NT / TN products: AVX2, AVX-512, OpenBLAS
#include "CLatentKernels.h"
#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng = 88172645463325252ull;
static float frand(void) {  // uniform in [-1, 1)
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (float)((rng >> 40) * (1.0 / 8388608.0)) - 1.0f;
}
static float *randv(long n) {
    float *p = malloc((size_t)(n > 0 ? n : 1) * 4);
    for (long i = 0; i < n; i++) p[i] = frand();
    return p;
}
static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

// ---- 1. correctness ------------------------------------------------------------------
static long failures = 0, checks = 0;

static void check_one(int level, int tA, int tB, long m, long n, long k, float alpha, float beta) {
    long lda = (tA ? m : k) + 3, ldb = (tB ? k : n) + 5, ldc = n + 2;
    float *A = randv((tA ? k : m) * lda), *B = randv((tB ? n : k) * ldb);
    float *C0 = randv(m * ldc), *C = malloc((size_t)(m * ldc) * 4);
    if (beta == 0) for (long i = 0; i < m * ldc; i++) C0[i] = NAN;  // beta 0 must ignore C
    memcpy(C, C0, (size_t)(m * ldc) * 4);
    latent_sgemm_rows_level(level, tA, tB, n, k, alpha, A, lda, B, ldb, beta, C, ldc, 0, m);
    long bad = 0;
    double worst = 0;
    for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
            double s = 0, sa = 0;
            for (long p = 0; p < k; p++) {
                double x = tA ? A[p * lda + i] : A[i * lda + p], y = tB ? B[j * ldb + p] : B[p * ldb + j];
                s += x * y;
                sa += fabs(x * y);
            }
            double c0 = beta == 0 ? 0 : C0[i * ldc + j];
            double ref = alpha * s + beta * c0;
            double tol = (k + 4) * FLT_EPSILON * (fabs(alpha) * sa + fabs(beta * c0)) + 1e-30;
            double err = fabs(C[i * ldc + j] - ref);
            if (!(err <= tol)) bad++;
            if (err / tol > worst) worst = err / tol;
        }
        for (long j = n; j < ldc; j++)  // padding past n untouched
            if (memcmp(&C[i * ldc + j], &C0[i * ldc + j], 4)) bad++;
    }
    checks++;
    if (bad) {
        failures++;
        printf("FAIL level %d tA %d tB %d m %ld n %ld k %ld alpha %g beta %g: %ld bad (worst err/tol %.2f)\n", level, tA,
               tB, m, n, k, alpha, beta, bad, worst);
    }
    free(A); free(B); free(C0); free(C);
}

static void correctness(void) {
    static const long small[] = {1, 5, 13, 31, 33};
    static const long big[] = {257, 785};
    static const float ab[][2] = {{1, 0}, {0.5f, 0}, {1, 1}, {-2, 0.25f}};
    for (int level = 0; level <= 2; level++) {
        for (int t = 0; t < 4; t++) {
            int tA = t & 1, tB = t >> 1;
            for (int s = 0; s < 4; s++) {
                float alpha = ab[s][0], beta = ab[s][1];
                for (int x = 0; x < 5; x++)
                    for (int y = 0; y < 5; y++)
                        for (int z = 0; z < 5; z++) check_one(level, tA, tB, small[x], small[y], small[z], alpha, beta);
                for (int x = 0; x < 2; x++)
                    for (int y = 0; y < 5; y++) {
                        check_one(level, tA, tB, big[x], small[y], 33, alpha, beta);   // tall
                        check_one(level, tA, tB, small[y], big[x], 31, alpha, beta);   // wide
                        check_one(level, tA, tB, small[y], 13, big[x], alpha, beta);   // deep: K > KC
                        check_one(level, tA, tB, 33, big[x], big[x], alpha, beta);
                    }
                check_one(level, tA, tB, 257, 785, 257, alpha, beta);
                for (long n = 1; n <= 4; n++) check_one(level, tA, tB, 33, n, 785, alpha, beta);  // narrow, K > KC
            }
        }
    }
    printf("correctness vs double reference: %ld cases, %ld failures\n", checks, failures);
}

// ---- 2. row invariance ---------------------------------------------------------------
typedef struct { long n, k; const char *what; } shape;
static const shape shapes[] = {
    {64, 784, "dense/VAE enc"}, {784, 64, "dense/VAE dec"}, {32, 140, "ECG"}, {16, 32, "ECG"},
    {8, 16, "ECG"},            {16, 8, "ECG"},             {32, 16, "ECG"}, {140, 32, "ECG"},
    {8, 64, "VAE"},            {64, 8, "VAE"},             {150, 320, "LeNet"}, {1, 150, "LeNet"},
    {10, 25, "conv"},          {20, 250, "conv"},          {16, 9, "conv"}, {8, 144, "conv"},
    {1, 144, "conv"},
};
#define NSHAPES (long)(sizeof shapes / sizeof shapes[0])

static long invariance_shape(int level, int tA, int tB, long m, long n, long k, float beta) {
    long lda = tA ? m : k, ldb = tB ? k : n;
    float *A = randv(m * k), *B = randv(k * n), *C0 = randv(m * n);
    float *whole = malloc((size_t)(m * n) * 4), *part = malloc((size_t)(m * n) * 4);
    memcpy(whole, C0, (size_t)(m * n) * 4);
    latent_sgemm_rows_level(level, tA, tB, n, k, 1, A, lda, B, ldb, beta, whole, n, 0, m);
    long bad = 0;
    // Every row alone.
    memcpy(part, C0, (size_t)(m * n) * 4);
    for (long i = 0; i < m; i++) latent_sgemm_rows_level(level, tA, tB, n, k, 1, A, lda, B, ldb, beta, part, n, i, i + 1);
    if (memcmp(whole, part, (size_t)(m * n) * 4)) bad++;
    // Uneven splits.
    static const long cuts[][8] = {{0, 7, 64, 65, 200, -1}, {0, 1, 2, 15, 29, 43, 300, -1}, {0, 13, 27, 41, 55, 69, -1},
                                   {0, 100, 101, 250, -1}};
    for (int c = 0; c < 4; c++) {
        memcpy(part, C0, (size_t)(m * n) * 4);
        long prev = 0;
        for (int q = 1; q < 8 && prev < m; q++) {
            long e = cuts[c][q] < 0 || cuts[c][q] > m ? m : cuts[c][q];
            latent_sgemm_rows_level(level, tA, tB, n, k, 1, A, lda, B, ldb, beta, part, n, prev, e);
            prev = e;
        }
        if (memcmp(whole, part, (size_t)(m * n) * 4)) bad++;
    }
    free(A); free(B); free(C0); free(whole); free(part);
    return bad;
}

static void invariance(void) {
    long runs = 0, bad = 0;
    for (int level = 1; level <= 2; level++)
        for (long s = 0; s < NSHAPES; s++)
            for (int t = 0; t < 4; t++)
                for (int b = 0; b < 2; b++) {
                    long r = invariance_shape(level, t & 1, t >> 1, 301, shapes[s].n, shapes[s].k, b ? 0.5f : 0);
                    runs++;
                    if (r) {
                        bad++;
                        printf("NOT INVARIANT level %d n %ld k %ld tA %d tB %d beta %d\n", level, shapes[s].n,
                               shapes[s].k, t & 1, t >> 1, b);
                    }
                }
    // Also deep K (several KC blocks) and m = 4096 for the big shapes.
    for (int level = 1; level <= 2; level++) {
        bad += invariance_shape(level, 0, 0, 301, 37, 785, 0) != 0; runs++;
        bad += invariance_shape(level, 0, 0, 4096, 64, 784, 0) != 0; runs++;
        bad += invariance_shape(level, 0, 0, 4096, 784, 64, 0) != 0; runs++;
    }
    printf("row invariance (whole vs each row alone vs 4 uneven splits, memcmp): %ld configurations, %ld failing\n",
           runs, bad);
    // Same bits on the AVX2 and AVX-512 paths?
    long same = 0, total = 0;
    for (long s = 0; s < NSHAPES; s++)
        for (int t = 0; t < 4; t++) {
            long m = 77, n = shapes[s].n, k = shapes[s].k;
            float *A = randv(m * k), *B = randv(k * n), *C1 = randv(m * n), *C2 = malloc((size_t)(m * n) * 4);
            memcpy(C2, C1, (size_t)(m * n) * 4);
            latent_sgemm_rows_level(1, t & 1, t >> 1, n, k, 0.75f, A, t & 1 ? m : k, B, t >> 1 ? k : n, 0.5f, C1, n, 0, m);
            latent_sgemm_rows_level(2, t & 1, t >> 1, n, k, 0.75f, A, t & 1 ? m : k, B, t >> 1 ? k : n, 0.5f, C2, n, 0, m);
            same += !memcmp(C1, C2, (size_t)(m * n) * 4);
            total++;
            free(A); free(B); free(C1); free(C2);
        }
    printf("AVX2 and AVX-512 paths bit-identical: %ld of %ld shape/transpose cases\n", same, total);
}

// ---- 3. speed ------------------------------------------------------------------------
// op(A) is m×k, op(B) k×n; ta/tb transpose A (stored k×m) and B (stored n×k).
static double gflops_t(int which, int ta, int tb, long m, long n, long k, const float *A, const float *B, float *C) {
    double flops = 2.0 * m * n * k, best = 1e30;
    long reps = (long)(2e7 / flops) + 1;  // ~20 MFLOP per timing
    long lda = ta ? m : k, ldb = tb ? k : n;
    for (int trial = 0; trial < 7; trial++) {
        double t0 = now();
        for (long r = 0; r < reps; r++) {
            if (which < 0)
                cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n,
                            (int)k, 1, A, (int)lda, B, (int)ldb, 0, C, (int)n);
            else
                latent_sgemm_rows_level(which, ta, tb, n, k, 1, A, lda, B, ldb, 0, C, n, 0, m);
        }
        double t = (now() - t0) / reps;
        if (t < best) best = t;
    }
    return flops / best * 1e-9;
}

static double gflops(int which, long m, long n, long k, const float *A, const float *B, float *C) {
    return gflops_t(which, 0, 0, m, n, k, A, B, C);
}

extern void openblas_set_num_threads(int);

static long only_n = 0, only_k = 0;

static void speed(void) {
    openblas_set_num_threads(1);
    printf("\nGFLOP/s, one thread, C = A·B (no transposes), one call for all m rows, best of 7\n");
    printf("%-14s %5s %5s %5s | %8s %8s %8s | %6s\n", "shape", "n", "k", "m", "AVX2", "AVX-512", "OpenBLAS", "x AVX2");
    static const long ms[] = {64, 256, 4096};
    for (long s = 0; s < NSHAPES; s++)
        for (int q = 0; q < 3; q++) {
            long m = ms[q], n = shapes[s].n, k = shapes[s].k;
            if (only_n && (n != only_n || k != only_k)) continue;
            float *A = randv(m * k), *B = randv(k * n), *C = randv(m * n);
            double g1 = gflops(1, m, n, k, A, B, C), g2 = gflops(2, m, n, k, A, B, C), go = gflops(-1, m, n, k, A, B, C);
            printf("%-14s %5ld %5ld %5ld | %8.1f %8.1f %8.1f | %6.2f\n", shapes[s].what, n, k, m, g1, g2, go, g2 / g1);
            free(A); free(B); free(C);
        }
}

// Training's three products for a Dense layer k→n at batch shard m: forward X·W (NN),
// input gradient dY·Wᵀ (NT), weight gradient Xᵀ·dY (TN), AVX2 and AVX-512 against OpenBLAS.
static void train_speed(void) {
    openblas_set_num_threads(1);
    printf("\nGFLOP/s, one thread, training products, best of 7\n");
    printf("%-5s %5s %5s %5s | %8s %8s %8s\n", "op", "m", "n", "k", "AVX2", "AVX-512", "OpenBLAS");
    static const long layers[][2] = {{784, 64}, {64, 784}, {140, 32}, {32, 140}, {784, 256}, {256, 784}};
    static const long ms[] = {10, 64, 128};
    for (long s = 0; s < 6; s++)
        for (int q = 0; q < 3; q++) {
            long m = ms[q], k = layers[s][0], n = layers[s][1];
            // NN: X[m,k]·W[k,n]; NT: dY[m,n]·Wᵀ → [m,k] (op(B) = Wᵀ, B stored [k,n] = "n×k" of this call);
            // TN: Xᵀ[k,m]·dY[m,n] → [k,n].
            struct { const char *op; int ta, tb; long M, N, K; } cases[] = {
                {"NN", 0, 0, m, n, k}, {"NT", 0, 1, m, k, n}, {"TN", 1, 0, k, n, m}};
            for (int c = 0; c < 3; c++) {
                long M = cases[c].M, N = cases[c].N, K = cases[c].K;
                float *A = randv(M * K), *B = randv(K * N), *C = randv(M * N);
                double g1 = gflops_t(1, cases[c].ta, cases[c].tb, M, N, K, A, B, C);
                double g2 = gflops_t(2, cases[c].ta, cases[c].tb, M, N, K, A, B, C);
                double go = gflops_t(-1, cases[c].ta, cases[c].tb, M, N, K, A, B, C);
                printf("%-5s %5ld %5ld %5ld | %8.1f %8.1f %8.1f\n", cases[c].op, M, N, K, g1, g2, go);
                free(A); free(B); free(C);
            }
        }
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "all";
    if (argc > 3) only_n = atol(argv[2]), only_k = atol(argv[3]);  // speed N K: one shape
    printf("latent_kernels_level() = %d\n", latent_kernels_level());
    if (!strcmp(mode, "train")) {
        train_speed();
        return 0;
    }
    if (strcmp(mode, "speed")) {
        correctness();
        invariance();
    }
    if (strcmp(mode, "check")) speed();
    return failures != 0;
}
