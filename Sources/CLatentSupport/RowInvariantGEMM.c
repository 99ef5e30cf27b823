// A row-invariant single-precision GEMM for scoring: each row of C is computed by the
// same instructions in the same order whatever the number of rows, the row's position
// and the thread split, so a row's score does not depend on the batch it came in (one
// row from the server, 4096 from the CLI, any partition in Spark: the same bits).
// OpenBLAS gives no such promise: its kernels and threading change with the shape
// (measured: 7 % of ECG scores differed in the last digit between batchings).
//
// BLIS-style blocking: B packed into 16-column panels, A into 6-row panels (short
// panels zero-padded), and a 6×16 AVX2/FMA micro-kernel that keeps its 12 accumulators
// in registers across k. Without AVX2 a plain loop (k in order) keeps the promise.
#include "CLatentSupport.h"
#include <stdlib.h>
#include <string.h>

#if defined(__clang__) && defined(__x86_64__)
#include <immintrin.h>

#define MR 6
#define NR 16
#define KC 256
#define MC 96
#define NC 512

static float *aligned_floats(long n) { return aligned_alloc(64, (size_t)((n * 4 + 63) / 64 * 64)); }

// Ap[block][k][MR]: rows i0..i0+mc of op(A), columns p0..p0+kc; short blocks zero-padded.
__attribute__((target("avx2,fma")))
static void pack_a(int trans, const float *A, long lda, long i0, long mc, long p0, long kc, float *ap) {
    for (long ib = 0; ib < mc; ib += MR) {
        long mr = mc - ib < MR ? mc - ib : MR;
        for (long k = 0; k < kc; k++) {
            for (long r = 0; r < MR; r++) {
                float v = 0;
                if (r < mr) {
                    long i = i0 + ib + r, kk = p0 + k;
                    v = trans ? A[kk * lda + i] : A[i * lda + kk];
                }
                ap[k * MR + r] = v;
            }
        }
        ap += kc * MR;
    }
}

// Bp[block][k][NR]: rows p0..p0+kc of op(B), columns j0..j0+nc; short blocks zero-padded.
__attribute__((target("avx2,fma")))
static void pack_b(int trans, const float *B, long ldb, long p0, long kc, long j0, long nc, float *bp) {
    for (long jb = 0; jb < nc; jb += NR) {
        long nr = nc - jb < NR ? nc - jb : NR;
        if (!trans && nr == NR) {
            for (long k = 0; k < kc; k++) {
                const float *src = B + (p0 + k) * ldb + j0 + jb;
                _mm256_store_ps(bp + k * NR, _mm256_loadu_ps(src));
                _mm256_store_ps(bp + k * NR + 8, _mm256_loadu_ps(src + 8));
            }
        } else {
            for (long k = 0; k < kc; k++) {
                for (long c = 0; c < NR; c++) {
                    float v = 0;
                    if (c < nr) {
                        long kk = p0 + k, j = j0 + jb + c;
                        v = trans ? B[j * ldb + kk] : B[kk * ldb + j];
                    }
                    bp[k * NR + c] = v;
                }
            }
        }
        bp += kc * NR;
    }
}

// C[mr×nr] (+)= alpha · A·Bp; `first` applies beta (beta == 0 ignores C's old values).
// Row r of the A tile, element k, is at a[r·rs + k·ks]: a packed panel (rs 1, ks MR) or
// six full rows read in place (rs lda, ks 1). Either way each row sees the same FMAs in
// the same order, so where a row sits never changes its bits.
__attribute__((target("avx2,fma")))
static void kernel(long kc, const float *a, long rs, long ks, const float *bp, float *c, long ldc, long mr, long nr,
                   float alpha, float beta, int first) {
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    const float *a0 = a, *a1 = a + rs, *a2 = a + 2 * rs, *a3 = a + 3 * rs, *a4 = a + 4 * rs, *a5 = a + 5 * rs;
    for (long k = 0; k < kc; k++) {
        __m256 b0 = _mm256_load_ps(bp), b1 = _mm256_load_ps(bp + 8);
        __m256 v;
        long o = k * ks;
        v = _mm256_broadcast_ss(a0 + o); c00 = _mm256_fmadd_ps(v, b0, c00); c01 = _mm256_fmadd_ps(v, b1, c01);
        v = _mm256_broadcast_ss(a1 + o); c10 = _mm256_fmadd_ps(v, b0, c10); c11 = _mm256_fmadd_ps(v, b1, c11);
        v = _mm256_broadcast_ss(a2 + o); c20 = _mm256_fmadd_ps(v, b0, c20); c21 = _mm256_fmadd_ps(v, b1, c21);
        v = _mm256_broadcast_ss(a3 + o); c30 = _mm256_fmadd_ps(v, b0, c30); c31 = _mm256_fmadd_ps(v, b1, c31);
        v = _mm256_broadcast_ss(a4 + o); c40 = _mm256_fmadd_ps(v, b0, c40); c41 = _mm256_fmadd_ps(v, b1, c41);
        v = _mm256_broadcast_ss(a5 + o); c50 = _mm256_fmadd_ps(v, b0, c50); c51 = _mm256_fmadd_ps(v, b1, c51);
        bp += NR;
    }
    __m256 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    if (nr == NR) {
        for (long r = 0; r < mr; r++) {
            float *row = c + r * ldc;
            for (int h = 0; h < 2; h++) {
                __m256 v = _mm256_mul_ps(acc[r][h], va);
                if (!first) v = _mm256_add_ps(_mm256_loadu_ps(row + 8 * h), v);
                else if (beta != 0) v = _mm256_fmadd_ps(_mm256_loadu_ps(row + 8 * h), vb, v);
                _mm256_storeu_ps(row + 8 * h, v);
            }
        }
    } else {
        float tmp[MR * NR] __attribute__((aligned(32)));
        for (long r = 0; r < MR; r++) {
            _mm256_store_ps(tmp + r * NR, acc[r][0]);
            _mm256_store_ps(tmp + r * NR + 8, acc[r][1]);
        }
        for (long r = 0; r < mr; r++) {
            for (long j = 0; j < nr; j++) {
                float v = alpha * tmp[r * NR + j];
                float *o = c + r * ldc + j;
                *o = !first ? *o + v : (beta != 0 ? beta * *o + v : v);
            }
        }
    }
}

__attribute__((target("avx2,fma")))
static void sgemm_rows_avx2(int transA, int transB, long N, long K, float alpha, const float *A, long lda,
                            const float *B, long ldb, float beta, float *C, long ldc, long i0, long i1) {
    long kcMax = K < KC ? K : KC;
    float *bp = aligned_floats(kcMax * (NC + NR));
    float *ap = aligned_floats(kcMax * (MC + MR));
    for (long jc = 0; jc < N; jc += NC) {
        long nc = N - jc < NC ? N - jc : NC;
        for (long pc = 0; pc < K; pc += KC) {
            long kc = K - pc < KC ? K - pc : KC;
            pack_b(transB, B, ldb, pc, kc, jc, nc, bp);
            for (long ic = i0; ic < i1; ic += MC) {
                long mc = i1 - ic < MC ? i1 - ic : MC;
                // Row-major A is read in place (inference's case: no packing pass over the
                // batch); a transposed A, and any short tile, is packed.
                int direct = !transA;
                if (!direct) pack_a(transA, A, lda, ic, mc, pc, kc, ap);
                for (long jr = 0; jr < nc; jr += NR) {
                    long nr = nc - jr < NR ? nc - jr : NR;
                    for (long ir = 0; ir < mc; ir += MR) {
                        long mr = mc - ir < MR ? mc - ir : MR;
                        float *ct = C + (ic + ir) * ldc + jc + jr;
                        if (!direct) {
                            kernel(kc, ap + ir * kc, 1, MR, bp + jr * kc, ct, ldc, mr, nr, alpha, beta, pc == 0);
                        } else if (mr == MR) {
                            kernel(kc, A + (ic + ir) * lda + pc, lda, 1, bp + jr * kc, ct, ldc, mr, nr, alpha, beta, pc == 0);
                        } else {
                            pack_a(0, A, lda, ic + ir, mr, pc, kc, ap);
                            kernel(kc, ap, 1, MR, bp + jr * kc, ct, ldc, mr, nr, alpha, beta, pc == 0);
                        }
                    }
                }
            }
        }
    }
    free(ap);
    free(bp);
}
#endif

static void sgemm_rows_plain(int transA, int transB, long N, long K, float alpha, const float *A, long lda,
                             const float *B, long ldb, float beta, float *C, long ldc, long i0, long i1) {
    for (long i = i0; i < i1; i++) {
        for (long j = 0; j < N; j++) {
            float s = 0.0f;
            for (long k = 0; k < K; k++) {
                float a = transA ? A[k * lda + i] : A[i * lda + k];
                float b = transB ? B[j * ldb + k] : B[k * ldb + j];
                s += a * b;
            }
            float *o = C + i * ldc + j;
            *o = beta != 0 ? beta * *o + alpha * s : alpha * s;
        }
    }
}

void latent_sgemm_rows(int transA, int transB, long N, long K, float alpha, const float *A, long lda,
                       const float *B, long ldb, float beta, float *C, long ldc, long i0, long i1) {
    if (i1 <= i0 || N <= 0) return;
#if defined(__clang__) && defined(__x86_64__)
    if (K > 0 && latent_kernels_use_avx2()) {
        sgemm_rows_avx2(transA, transB, N, K, alpha, A, lda, B, ldb, beta, C, ldc, i0, i1);
        return;
    }
#endif
    sgemm_rows_plain(transA, transB, N, K, alpha, A, lda, B, ldb, beta, C, ldc, i0, i1);
}
