// Two builds of RowInvariantGEMM.c in one process, timed alternately: this VM's speed
// drifts by 2× between minutes, so an old and a new kernel timed in separate runs cannot
// be compared; alternating them, best of 40 timings each, the same code against itself
// comes out at 0.96–1.11×. Build (see README.md): the old file's entry points renamed
// old_*, the new file's new_*.
//
//     ./gemm_duel LEVEL TA TB M N K [TA TB M N K …]
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void old_sgemm_rows_level(int level, int transA, int transB, long N, long K, float alpha, const float *A, long lda,
                          const float *B, long ldb, float beta, float *C, long ldc, long i0, long i1);
void new_sgemm_rows_level(int level, int transA, int transB, long N, long K, float alpha, const float *A, long lda,
                          const float *B, long ldb, float beta, float *C, long ldc, long i0, long i1);

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static float *randv(long n) {
    float *p = malloc((size_t)n * 4 + 64);
    for (long i = 0; i < n; i++) p[i] = (float)(rand() % 20001) / 10000.0f - 1.0f;
    return p;
}

int main(int argc, char **argv) {
    if (argc < 7 || (argc - 2) % 5) {
        fprintf(stderr, "usage: %s LEVEL TA TB M N K [TA TB M N K ...]\n", argv[0]);
        return 2;
    }
    int level = atoi(argv[1]);
    for (int a = 2; a + 4 < argc; a += 5) {
        int ta = atoi(argv[a]), tb = atoi(argv[a + 1]);
        long M = atol(argv[a + 2]), N = atol(argv[a + 3]), K = atol(argv[a + 4]);
        float *A = randv(M * K), *B = randv(K * N), *C = randv(M * N);
        long lda = ta ? M : K, ldb = tb ? K : N;
        double flops = 2.0 * M * N * K, best[2] = {1e30, 1e30};
        long reps = (long)(4e6 / flops) + 1;
        for (int trial = 0; trial < 40; trial++)
            for (int w = 0; w < 2; w++) {
                double t0 = now();
                for (long r = 0; r < reps; r++)
                    (w ? new_sgemm_rows_level : old_sgemm_rows_level)(level, ta, tb, N, K, 1, A, lda, B, ldb, 0, C, N,
                                                                      0, M);
                double t = (now() - t0) / reps;
                if (t < best[w]) best[w] = t;
            }
        printf("%d%d %5ld %5ld %5ld  old %6.1f  new %6.1f GFLOP/s  new/old %.3f\n", ta, tb, M, N, K,
               flops / best[0] * 1e-9, flops / best[1] * 1e-9, best[0] / best[1]);
        free(A);
        free(B);
        free(C);
    }
    return 0;
}
