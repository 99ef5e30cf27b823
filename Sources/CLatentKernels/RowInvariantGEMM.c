// A row-invariant single-precision GEMM for scoring: each row of C is computed by the
// same instructions in the same order whatever the number of rows, the row's position
// and the thread split, so a row's score does not depend on the batch it came in (one
// row from the server, 4096 from the CLI, any partition in Spark: the same bits).
// OpenBLAS gives no such promise: its kernels and threading change with the shape
// (measured: 7 % of ECG scores differed in the last digit between batchings).
//
// Register-tiled micro-kernels that keep a tile of C in registers across a K block of
// 256: 6×16 ymm tiles with AVX2/FMA (latent_kernels_level() == 1), 14×32 / 14×16 zmm
// tiles with AVX-512 (== 2). Both compute the same bits (the recipe is below); without
// AVX2 a plain loop keeps the row-invariance promise.
#include "CLatentKernels.h"
#include "Lanes.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#define KC LATENT_GEMM_KC

// The recipe every path computes, one element at a time (see "Why rows cannot depend on
// the batch" below): used when scratch memory cannot be had, so even then the bits hold.
static void sgemm_rows_recipe(int transA, int transB, long N, long K, float alpha, const float *A, long lda,
                              const float *B, long ldb, float beta, float *C, long ldc, long i0, long i1) {
    for (long i = i0; i < i1; i++) {
        for (long j = 0; j < N; j++) {
            float *o = C + i * ldc + j;
            for (long pc = 0; pc < K; pc += KC) {
                long end = K - pc < KC ? K : pc + KC;
                float s = 0.0f;
                for (long k = pc; k < end; k++)
                    s = fmaf(transA ? A[k * lda + i] : A[i * lda + k], transB ? B[j * ldb + k] : B[k * ldb + j], s);
                float v = alpha == 1.0f ? s : alpha * s;
                *o = pc > 0 ? *o + v : (beta != 0 ? fmaf(*o, beta, v) : v);
            }
        }
    }
}

#if defined(__clang__) && defined(__x86_64__)
#include <immintrin.h>

// What the kernels' stores do to end a Dense layer, for the out-of-memory fallback.
static void recipe_bias_act(long N, float *C, long ldc, long i0, long i1, const float *bias, int relu) {
    for (long i = i0; i < i1 && (bias || relu); i++)
        latent_bias_act(C + i * ldc, bias, C + i * ldc, 1, N, relu ? LATENT_ACT_RELU : LATENT_ACT_IDENTITY);
}

static float *aligned_floats(long n) { return aligned_alloc(64, (size_t)((n * 4 + 63) / 64 * 64)); }

// Per-thread scratch (packed B, packed A), kept between calls and freed at thread exit.
typedef struct {
    float *p;
    long n;
} scratch;
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static void scratch_free(void *s) {
    free(((scratch *)s)->p);
    free(s);
}
static void scratch_init(void) { pthread_key_create(&scratch_key, scratch_free); }
static float *scratch_get(long n) {
    pthread_once(&scratch_once, scratch_init);
    scratch *s = pthread_getspecific(scratch_key);
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return NULL;
        pthread_setspecific(scratch_key, s);
    }
    if (s->n < n) {
        free(s->p);
        s->p = aligned_floats(n);
        s->n = s->p ? n : 0;
    }
    return s->p;
}

// Rows in the next tile when `left` rows remain and tiles hold up to `mr`. A last tile of
// under half the height has too few independent sums to keep the FMA units busy (a 16-row
// shard: 14 + 2), so the last two tiles share their rows evenly instead (8 + 8); with A
// packed, a short last tile also computed its padding rows (a 64-row weight gradient:
// 14·4 + 8 ran 14 rows for 8). Only the heights change, never a row's arithmetic.
static inline long tile_rows(long left, long mr) {
    if (left > mr && left < mr + mr / 2) return (left + 1) / 2;
    return left < mr ? left : mr;
}

// ---- AVX2 + FMA (latent_kernels_level() == 1) ----------------------------------------
// The AVX-512 path's plan in ymm registers: 6-row tiles × 16-column panels (12
// accumulators of 16), A elements broadcast from memory; row-major A and B read in
// place (a packing pass per call cost more than it saved on the lessons' shapes: the
// batch is scored in blocks of a few hundred rows, so each call re-packed all of B);
// every tile height 1…6 has its own kernel; a last panel of < 16 columns is loaded and
// stored under a lane mask. Transposed operands are packed into per-thread scratch.
// A tile's rows of C are fetched for writing before its K loop, so the stores at its end
// find their lines owned. In a data-parallel step the other CPU read the gradients this
// thread writes (Adam adds both shards'); on an Intel Xeon (Emerald Rapids, KVM) a store
// to a line another core holds waits for its invalidation, and with short K blocks (a
// shard's 16 rows) the weight gradient's stores filled the store buffer. (Touching a line
// past a row's end only fetches it; it writes nothing.)
#define C_FOR_WRITING(row, width)                       \
    do {                                                \
        __builtin_prefetch((row), 1, 3);                \
        __builtin_prefetch((row) + (width) - 1, 1, 3);  \
    } while (0)

// A read in place: the next tile's rows (the MRc rows after this tile's), at the same k,
// into L2 while this tile computes, one cache line a row every 16 k. A tile reads MRc rows
// of a few KB each side by side, and the hardware prefetchers follow them late (a new
// stream at every row and page), so the first panel of a tile waited for memory. Scoring
// fashion-ae (12,000 rows of 784, blocks of 293, Xeon, one core): the encoder took
// 0.82–0.87 µs a row without, 0.60–0.65 with; the whole model 547–576k rows/s against
// 628–668k. Only the first panel of a tile asks (the later ones find the rows in L1), and
// rows past the matrix are harmless: a prefetch never faults.
//
// The end of the k block that starts at k0: kc without prefetching (one pass), else 16 k
// further, the next tile's rows at k0 asked for first. Per block, not per k: a branch in
// the k loop spilled the AVX2 kernel's accumulators (1.30 → 1.70 µs a row).
static inline __attribute__((always_inline)) long k_block_end(const float *a, long lda, const int MRc, long k0,
                                                              long kc, int prefetch) {
    if (!prefetch) return kc;
    const char *next = (const char *)(a + MRc * lda + k0);
#pragma clang loop unroll(full)
    for (int r = 0; r < MRc; r++) __builtin_prefetch(next + r * lda * 4, 0, 2);
    return kc - k0 < 16 ? kc : k0 + 16;
}

#define AVX2 __attribute__((target("avx2,fma,prfchw")))  // prfchw: see C_FOR_WRITING
#define MR2 6
#define MC2 (MR2 * 16)
#define INLINE2 static inline __attribute__((always_inline))

AVX2 INLINE2 __m256i lane_mask(long cols) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)cols), lanes);
}

// The stores of a full tile (every row, every lane) with alpha 1 and beta 0, the options
// fixed at compile time: C = acc (ADD: C + acc) (+ bias) (max(·, 0) with RELU), the ops
// of the kernels' general path in the same order, so the same bits. Decided per vector,
// the options cost as much as the K loop when K is a shard's 16 rows (TN 784×64×16 ran at
// 64 GFLOP/s that way, 96 this way). One definition per vector width (k2_store, k5_store).
#define DEFINE_TILE_STORE(NAME, ATTR, VEC, MR, LANES, LOADU, STOREU, ADDV, MAXV, ZEROV)                         \
    ATTR static inline __attribute__((always_inline)) void NAME(const int MRc, const int NV, const int ADD,    \
                                                                const int BIAS, const int RELU, VEC acc[MR][2], \
                                                                float *c, long ldc, const float *bias) {        \
        _Pragma("clang loop unroll(full)") for (int r = 0; r < MRc; r++)                                        \
            _Pragma("clang loop unroll(full)") for (int h = 0; h < NV; h++) {                                   \
            float *o = c + r * ldc + LANES * h;                                                                 \
            VEC v = acc[r][h];                                                                                  \
            if (ADD) v = ADDV(LOADU(o), v);                                                                     \
            if (BIAS) v = ADDV(v, LOADU(bias + LANES * h));                                                     \
            if (RELU) v = MAXV(v, ZEROV());                                                                     \
            STOREU(o, v);                                                                                       \
        }                                                                                                       \
    }

// Ends a kernel's K block in the specialised store its options call for (returns).
#define TILE_STORE_SWITCH(STORE, first, bias, relu)                                  \
    switch ((!(first)) * 4 + ((bias) != NULL) * 2 + ((relu) != 0)) {                 \
        case 0: STORE(MRc, NV, 0, 0, 0, acc, c, ldc, bias); return;                  \
        case 1: STORE(MRc, NV, 0, 0, 1, acc, c, ldc, bias); return;                  \
        case 2: STORE(MRc, NV, 0, 1, 0, acc, c, ldc, bias); return;                  \
        case 3: STORE(MRc, NV, 0, 1, 1, acc, c, ldc, bias); return;                  \
        case 4: STORE(MRc, NV, 1, 0, 0, acc, c, ldc, bias); return;                  \
        case 5: STORE(MRc, NV, 1, 0, 1, acc, c, ldc, bias); return;                  \
        case 6: STORE(MRc, NV, 1, 1, 0, acc, c, ldc, bias); return;                  \
        default: STORE(MRc, NV, 1, 1, 1, acc, c, ldc, bias); return;                 \
    }

DEFINE_TILE_STORE(k2_store, AVX2, __m256, MR2, 8, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_add_ps, _mm256_max_ps,
                  _mm256_setzero_ps)

// C[MRc (packed A: mr) × NV·8] (+)= alpha · A·B for one K block. Row r, element k of A
// is at a[r·lda + k] (in place) or a[k·MR2 + r] (packed); B's row k at b + k·bs. With
// TAIL, B's last vector is loaded and C's last vector stored under `mlast`. On the last
// K block the store can end a Dense layer: + bias (its columns at `bias`, or NULL), then
// max(·, 0) with `relu`: the ops latent_bias_act does, in the same order, so the same bits.
// With `prefetch` (A in place) the next tile's rows come in meanwhile (k_block_end).
AVX2 INLINE2 void k2_body(const int MRc, const int NV, const int TAIL, const int packedA, long kc,
                          const float *a, long lda, const float *b, long bs, float *c, long ldc, __m256i mlast,
                          long mr, float alpha, float beta, int first, const float *bias, int relu, int prefetch) {
    __m256 acc[MR2][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < MRc; r++) {
        acc[r][0] = _mm256_setzero_ps();
        acc[r][1] = _mm256_setzero_ps();
        C_FOR_WRITING(c + r * ldc, NV * 8);
    }
    for (long k0 = 0, kEnd; k0 < kc; k0 = kEnd) {
        kEnd = k_block_end(a, lda, MRc, k0, kc, prefetch);
        for (long k = k0; k < kEnd; k++) {
            __m256 b0, b1;
            if (NV == 2) {
                b0 = _mm256_loadu_ps(b);
                b1 = TAIL ? _mm256_maskload_ps(b + 8, mlast) : _mm256_loadu_ps(b + 8);
            } else {
                b0 = TAIL ? _mm256_maskload_ps(b, mlast) : _mm256_loadu_ps(b);
                b1 = b0;
            }
#pragma clang loop unroll(full)
            for (int r = 0; r < MRc; r++) {
                __m256 av = _mm256_broadcast_ss(packedA ? a + k * MR2 + r : a + r * lda + k);
                acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
                if (NV == 2) acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
            }
            b += bs;
        }
    }
    if (!TAIL && (!packedA || mr >= MRc) && alpha == 1.0f && beta == 0) {
        TILE_STORE_SWITCH(k2_store, first, bias, relu);
    }
    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
#pragma clang loop unroll(full)
    for (int r = 0; r < MRc; r++) {
        if (packedA && r >= mr) break;
        float *row = c + r * ldc;
#pragma clang loop unroll(full)
        for (int h = 0; h < NV; h++) {
            __m256 v = acc[r][h];
            const int masked = TAIL && h == NV - 1;
            if (alpha != 1.0f) v = _mm256_mul_ps(v, va);  // alpha = 1: the product is v itself
            if (!first) v = _mm256_add_ps(masked ? _mm256_maskload_ps(row + 8 * h, mlast) : _mm256_loadu_ps(row + 8 * h), v);
            else if (beta != 0)
                v = _mm256_fmadd_ps(masked ? _mm256_maskload_ps(row + 8 * h, mlast) : _mm256_loadu_ps(row + 8 * h), vb, v);
            if (bias) v = _mm256_add_ps(v, masked ? _mm256_maskload_ps(bias + 8 * h, mlast) : _mm256_loadu_ps(bias + 8 * h));
            // max(v, 0) returns its second operand for NaN and for ±0, as `v > 0 ? v : 0` does.
            if (relu) v = _mm256_max_ps(v, _mm256_setzero_ps());
            if (masked) _mm256_maskstore_ps(row + 8 * h, mlast, v);
            else _mm256_storeu_ps(row + 8 * h, v);
        }
    }
}

typedef void (*k2_fn)(long kc, const float *a, long lda, const float *b, long bs, float *c, long ldc,
                      __m256i mlast, long mr, float alpha, float beta, int first, const float *bias, int relu,
                      int prefetch);
#define K2(MRc, NV, TAIL, P)                                                                                  \
    AVX2 static void k2_##MRc##_##NV##_##TAIL##_##P(long kc, const float *a, long lda, const float *b, long bs, \
                                                    float *c, long ldc, __m256i mlast, long mr, float alpha,  \
                                                    float beta, int first, const float *bias, int relu,       \
                                                    int prefetch) {                                           \
        k2_body(MRc, NV, TAIL, P, kc, a, lda, b, bs, c, ldc, mlast, mr, alpha, beta, first, bias, relu,       \
                prefetch);                                                                                    \
    }
#define K2ROWS(NV, TAIL)                                                                                       \
    K2(1, NV, TAIL, 0) K2(2, NV, TAIL, 0) K2(3, NV, TAIL, 0) K2(4, NV, TAIL, 0) K2(5, NV, TAIL, 0)             \
    K2(6, NV, TAIL, 0) K2(1, NV, TAIL, 1) K2(2, NV, TAIL, 1) K2(3, NV, TAIL, 1) K2(4, NV, TAIL, 1)             \
    K2(5, NV, TAIL, 1) K2(6, NV, TAIL, 1)
K2ROWS(1, 0)
K2ROWS(1, 1)
K2ROWS(2, 0)
K2ROWS(2, 1)
#define K2TABLE(NV, TAIL, P)                                                                                   \
    {0, k2_1_##NV##_##TAIL##_##P, k2_2_##NV##_##TAIL##_##P, k2_3_##NV##_##TAIL##_##P,                         \
     k2_4_##NV##_##TAIL##_##P, k2_5_##NV##_##TAIL##_##P, k2_6_##NV##_##TAIL##_##P}
// [A packed][NV − 1][TAIL][rows]
static const k2_fn k2_kernels[2][2][2][MR2 + 1] = {
    {{K2TABLE(1, 0, 0), K2TABLE(1, 1, 0)}, {K2TABLE(2, 0, 0), K2TABLE(2, 1, 0)}},
    {{K2TABLE(1, 0, 1), K2TABLE(1, 1, 1)}, {K2TABLE(2, 0, 1), K2TABLE(2, 1, 1)}}};

// An 8×8 block transposed in registers: r[q] lane t ↔ r[t] lane q.
AVX2 INLINE2 void transpose8(__m256 r[8]) {
    __m256 t[8], u[8];
    for (int j = 0; j < 4; j++) {
        t[2 * j] = _mm256_unpacklo_ps(r[2 * j], r[2 * j + 1]);
        t[2 * j + 1] = _mm256_unpackhi_ps(r[2 * j], r[2 * j + 1]);
    }
    for (int j = 0; j < 2; j++) {
        u[4 * j + 0] = _mm256_shuffle_ps(t[4 * j], t[4 * j + 2], 0x44);
        u[4 * j + 1] = _mm256_shuffle_ps(t[4 * j], t[4 * j + 2], 0xEE);
        u[4 * j + 2] = _mm256_shuffle_ps(t[4 * j + 1], t[4 * j + 3], 0x44);
        u[4 * j + 3] = _mm256_shuffle_ps(t[4 * j + 1], t[4 * j + 3], 0xEE);
    }
    for (int j = 0; j < 4; j++) {
        r[j] = _mm256_permute2f128_ps(u[j], u[j + 4], 0x20);
        r[j + 4] = _mm256_permute2f128_ps(u[j], u[j + 4], 0x31);
    }
}

// Columns j0..j0+nc of op(B) = Bᵀ (B is N×K), all K rows, into 16-column panels: the panel
// at column jr holds [k][16] at bp + jr·K, zero-padded past nc. 8 columns × 8 k at a time:
// 8 rows of B loaded (masked past the last k; zeros past the last column), transposed in
// registers, stored as 8 k rows of the panel. (The scalar loop it replaces wrote the panel
// with a stride of 16 floats per element and made the AVX2 GEMM slower than OpenBLAS for
// training's A·Bᵀ products.)
AVX2 static void pack_bt2(const float *B, long ldb, long K, long j0, long nc, float *bp) {
    for (long jr = 0; jr < nc; jr += 16) {
        long cols = nc - jr < 16 ? nc - jr : 16;
        float *dst = bp + jr * K;
        for (long c0 = 0; c0 < 16; c0 += 8) {
            long cc = cols - c0 < 8 ? (cols - c0 > 0 ? cols - c0 : 0) : 8;
            const float *src = B + (j0 + jr + c0) * ldb;
            for (long k = 0; k < K; k += 8) {
                long kk = K - k < 8 ? K - k : 8;
                __m256i km = lane_mask(kk);
                __m256 r[8];
#pragma clang loop unroll(full)
                for (int q = 0; q < 8; q++)
                    r[q] = q < cc ? (kk == 8 ? _mm256_loadu_ps(src + q * ldb + k) : _mm256_maskload_ps(src + q * ldb + k, km))
                                  : _mm256_setzero_ps();
                transpose8(r);
                for (long t = 0; t < kk; t++) _mm256_storeu_ps(dst + (k + t) * 16 + c0, r[t]);
            }
        }
    }
}

// Rows i0..i0+mc of op(A) = Aᵀ (A is K×M), columns p0..p0+kc, into one panel [k][MR2]
// per tile (heights as tile_rows gives them), short panels zero-padded.
AVX2 static void pack_at2(const float *A, long lda, long i0, long mc, long p0, long kc, float *ap) {
    for (long ib = 0, mr; ib < mc; ib += mr) {
        mr = tile_rows(mc - ib, MR2);
        for (long k = 0; k < kc; k++)
            for (long r = 0; r < MR2; r++) ap[k * MR2 + r] = r < mr ? A[(p0 + k) * lda + i0 + ib + r] : 0.0f;
        ap += kc * MR2;
    }
}

// One tile for the driver below: rows mr × cols ≤ 16 columns, one K block; A packed
// (ap, [k][MR2]) or in place.
AVX2 static void tile2(int packedA, long mr, long width, long cols, long kc, const float *a, long lda, const float *b,
                       long bs, float *c, long ldc, float alpha, float beta, int first, const float *bias, int relu,
                       int prefetch) {
    (void)width;  // always 16
    int nv = cols > 8 ? 2 : 1;
    long lastCols = cols - 8 * (nv - 1);
    int tail = lastCols < 8;
    __m256i mlast = lane_mask(lastCols);
    k2_kernels[packedA][nv - 1][tail][mr](kc, a, lda, b, bs, c, ldc, mlast, mr, alpha, beta, first, bias, relu,
                                          prefetch);
}

static long panel2(long nc, long jr) { (void)nc; (void)jr; return 16; }

// ---- AVX-512 (latent_kernels_level() == 2) -------------------------------------------
// A 14×32 zmm micro-kernel (28 accumulators, A elements broadcast from memory into the
// FMAs) and a 14×16 one for a last panel of ≤ 16 columns (and for n ≤ 16). Row-major A
// is read in place, every tile height 1…14 has its own kernel, so a short tile costs its
// rows only; B is read in place when row-major (masked loads for a column tail) or packed
// into 32/16-column panels when transposed; column tails are written with masked stores.
//
// Why rows cannot depend on the batch: every element of C is the same scalar recipe in
// every path of this file (AVX2 included): per K block of KC, s = fma(a[i,k], b[k,j], s)
// over k in order from s = 0, then v = alpha·s and C = v (+ beta·C, one fma) for the
// first block, C = C + v for later ones. Tile heights, panel widths, lanes, masks, the
// loop order and whether B is packed only move data; none of them changes that recipe.
#define T512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma,prfchw")))
#define MR5 14
#define MC5 (MR5 * 8)
#ifndef NARROW5
#define NARROW5 4  // n = 8 measured no faster this way (k = 16 slower)
#endif
#define INLINE5 static inline __attribute__((always_inline))

DEFINE_TILE_STORE(k5_store, T512, __m512, MR5, 16, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_add_ps, _mm512_max_ps,
                  _mm512_setzero_ps)

// C[MRc (packed A: mr) × NV·16] (+)= alpha · A·B for one K block. Row r, element k of A
// is at a[r·lda + k] (in place) or a[k·MR5 + r] (packed); B's row k at b + k·bs, its last
// vector loaded and C's last vector stored under mlast. On the last K block the store can
// end a Dense layer (bias, relu: as in k2_body, the same bits as latent_bias_act);
// `prefetch` as in k2_body.
INLINE5 T512 void k5_body(const int MRc, const int NV, const int packedA, long kc, const float *a, long lda,
                          const float *b, long bs, float *c, long ldc, __mmask16 mlast, long mr, float alpha,
                          float beta, int first, const float *bias, int relu, int prefetch) {
    __m512 acc[MR5][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < MRc; r++) {
        acc[r][0] = _mm512_setzero_ps();
        acc[r][1] = _mm512_setzero_ps();
        C_FOR_WRITING(c + r * ldc, NV * 16);
    }
    const char *pa = (const char *)a;
    const long L = lda * 4;
    for (long k0 = 0, kEnd; k0 < kc; k0 = kEnd) {
        kEnd = k_block_end(a, lda, MRc, k0, kc, prefetch);
        for (long k = k0; k < kEnd; k++) {
            __m512 b0, b1;
            if (NV == 2) {
                b0 = _mm512_loadu_ps(b);
                b1 = _mm512_maskz_loadu_ps(mlast, b + 16);
            } else {
                b0 = _mm512_maskz_loadu_ps(mlast, b);
                b1 = b0;
            }
#pragma clang loop unroll(full)
            for (int r = 0; r < MRc; r++) {
                float x = packedA ? a[k * MR5 + r] : *(const float *)(pa + r * L + 4 * k);
                __m512 av = _mm512_set1_ps(x);
                acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
                if (NV == 2) acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
            }
            b += bs;
        }
    }
    if (mlast == (__mmask16)0xFFFF && (!packedA || mr >= MRc) && alpha == 1.0f && beta == 0) {
        TILE_STORE_SWITCH(k5_store, first, bias, relu);
    }
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
#pragma clang loop unroll(full)
    for (int r = 0; r < MRc; r++) {
        if (packedA && r >= mr) break;
        float *row = c + r * ldc;
#pragma clang loop unroll(full)
        for (int h = 0; h < NV; h++) {
            __mmask16 m = h == NV - 1 ? mlast : (__mmask16)0xFFFF;
            __m512 v = acc[r][h];
            if (alpha != 1.0f) v = _mm512_mul_ps(v, va);  // alpha = 1: the product is v itself
            if (m == 0xFFFF) {
                if (!first) v = _mm512_add_ps(_mm512_loadu_ps(row + 16 * h), v);
                else if (beta != 0) v = _mm512_fmadd_ps(_mm512_loadu_ps(row + 16 * h), vb, v);
                if (bias) v = _mm512_add_ps(v, _mm512_loadu_ps(bias + 16 * h));
                if (relu) v = _mm512_max_ps(v, _mm512_setzero_ps());  // NaN, ±0 → 0, as `v > 0 ? v : 0`
                _mm512_storeu_ps(row + 16 * h, v);
            } else {
                if (!first) v = _mm512_add_ps(_mm512_maskz_loadu_ps(m, row + 16 * h), v);
                else if (beta != 0) v = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, row + 16 * h), vb, v);
                if (bias) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, bias + 16 * h));
                if (relu) v = _mm512_max_ps(v, _mm512_setzero_ps());
                _mm512_mask_storeu_ps(row + 16 * h, m, v);
            }
        }
    }
}

typedef void (*k5_fn)(long kc, const float *a, long lda, const float *b, long bs, float *c, long ldc,
                      __mmask16 mlast, long mr, float alpha, float beta, int first, const float *bias, int relu,
                      int prefetch);
#define K5(MRc, NV, P)                                                                                       \
    T512 static void k5_##MRc##_##NV##_##P(long kc, const float *a, long lda, const float *b, long bs,       \
                                           float *c, long ldc, __mmask16 mlast, long mr, float alpha,      \
                                           float beta, int first, const float *bias, int relu,             \
                                           int prefetch) {                                                 \
        k5_body(MRc, NV, P, kc, a, lda, b, bs, c, ldc, mlast, mr, alpha, beta, first, bias, relu, prefetch); \
    }
#define K5ROWS(NV)                                                                                           \
    K5(1, NV, 0) K5(2, NV, 0) K5(3, NV, 0) K5(4, NV, 0) K5(5, NV, 0) K5(6, NV, 0) K5(7, NV, 0) K5(8, NV, 0) \
    K5(9, NV, 0) K5(10, NV, 0) K5(11, NV, 0) K5(12, NV, 0) K5(13, NV, 0) K5(14, NV, 0) K5(1, NV, 1)          \
    K5(2, NV, 1) K5(3, NV, 1) K5(4, NV, 1) K5(5, NV, 1) K5(6, NV, 1) K5(7, NV, 1) K5(8, NV, 1) K5(9, NV, 1)  \
    K5(10, NV, 1) K5(11, NV, 1) K5(12, NV, 1) K5(13, NV, 1) K5(14, NV, 1)
K5ROWS(1)
K5ROWS(2)
#define K5TABLE(NV, P)                                                                                       \
    {0, k5_1_##NV##_##P, k5_2_##NV##_##P, k5_3_##NV##_##P, k5_4_##NV##_##P, k5_5_##NV##_##P,                 \
     k5_6_##NV##_##P, k5_7_##NV##_##P, k5_8_##NV##_##P, k5_9_##NV##_##P, k5_10_##NV##_##P,                   \
     k5_11_##NV##_##P, k5_12_##NV##_##P, k5_13_##NV##_##P, k5_14_##NV##_##P}
// [A packed][NV − 1][rows]
static const k5_fn k5_kernels[2][2][MR5 + 1] = {{K5TABLE(1, 0), K5TABLE(2, 0)}, {K5TABLE(1, 1), K5TABLE(2, 1)}};

// A 16×16 block transposed in registers: r[q] lane t ↔ r[t] lane q.
INLINE5 T512 void transpose16(__m512 r[16]) {
    __m512 t[16];
    for (int j = 0; j < 8; j++) {
        t[2 * j] = _mm512_unpacklo_ps(r[2 * j], r[2 * j + 1]);
        t[2 * j + 1] = _mm512_unpackhi_ps(r[2 * j], r[2 * j + 1]);
    }
    for (int j = 0; j < 4; j++) {
        r[4 * j + 0] = _mm512_shuffle_ps(t[4 * j], t[4 * j + 2], 0x44);
        r[4 * j + 1] = _mm512_shuffle_ps(t[4 * j], t[4 * j + 2], 0xEE);
        r[4 * j + 2] = _mm512_shuffle_ps(t[4 * j + 1], t[4 * j + 3], 0x44);
        r[4 * j + 3] = _mm512_shuffle_ps(t[4 * j + 1], t[4 * j + 3], 0xEE);
    }
    for (int j = 0; j < 4; j++) {
        t[j] = _mm512_shuffle_f32x4(r[j], r[j + 4], 0x88);
        t[j + 4] = _mm512_shuffle_f32x4(r[j], r[j + 4], 0xDD);
        t[j + 8] = _mm512_shuffle_f32x4(r[j + 8], r[j + 12], 0x88);
        t[j + 12] = _mm512_shuffle_f32x4(r[j + 8], r[j + 12], 0xDD);
    }
    for (int j = 0; j < 4; j++) {
        r[j] = _mm512_shuffle_f32x4(t[j], t[j + 8], 0x88);
        r[j + 4] = _mm512_shuffle_f32x4(t[j + 4], t[j + 12], 0x88);
        r[j + 8] = _mm512_shuffle_f32x4(t[j], t[j + 8], 0xDD);
        r[j + 12] = _mm512_shuffle_f32x4(t[j + 4], t[j + 12], 0xDD);
    }
}

// Width of the panel starting at column jr of an nc-column block: 32, or 16 for a last
// panel of ≤ 16 columns.
static inline long panel5(long nc, long jr) { return nc - jr > 16 ? 32 : 16; }

// Columns j0..j0+nc of op(B) = Bᵀ (B is N×K), all K rows, into panels: the panel at column
// jr holds [k][w] at bp + jr·K (w its width), zero-padded past nc. 16 columns × 16 k at a
// time, loaded as 16 rows of B (masked past the last column and k), transposed in
// registers, stored as 16 k rows of the panel; columns past nc come out as zeros.
T512 static void pack_bt5(const float *B, long ldb, long K, long j0, long nc, float *bp) {
    for (long jr = 0; jr < nc; jr += 32) {
        long w = panel5(nc, jr), cols = nc - jr < w ? nc - jr : w;
        float *dst = bp + jr * K;
        for (long c0 = 0; c0 < w; c0 += 16) {
            long cc = cols - c0 < 16 ? (cols - c0 > 0 ? cols - c0 : 0) : 16;
            const float *src = B + (j0 + jr + c0) * ldb;
            for (long k = 0; k < K; k += 16) {
                long kk = K - k < 16 ? K - k : 16;
                __mmask16 km = latent_first_lanes(kk);
                __m512 r[16];
#pragma clang loop unroll(full)
                for (int q = 0; q < 16; q++) r[q] = _mm512_maskz_loadu_ps(q < cc ? km : 0, src + q * ldb + k);
                transpose16(r);
                for (long t = 0; t < kk; t++) _mm512_storeu_ps(dst + (k + t) * w + c0, r[t]);
            }
        }
    }
}

// Rows i0..i0+mc of op(A) = Aᵀ (A is K×M), columns p0..p0+kc, into one panel [k][MR5]
// per tile (heights as tile_rows gives them), short panels zero-padded.
T512 static void pack_a5t(const float *A, long lda, long i0, long mc, long p0, long kc, float *ap) {
    for (long ib = 0, mr; ib < mc; ib += mr) {
        mr = tile_rows(mc - ib, MR5);
        __mmask16 m = latent_first_lanes(mr);
        for (long k = 0; k < kc; k++)
            _mm512_mask_storeu_ps(ap + k * MR5, (__mmask16)0x3FFF,
                                  _mm512_maskz_loadu_ps(m, A + (p0 + k) * lda + i0 + ib));
        ap += kc * MR5;
    }
}

// ---- n ≤ NARROW5, row-major A: rows across the lanes --------------------------------
// With so few columns a 16-wide panel wastes most lanes, so here lane q of a vector is row
// i+q: A's 16×16 blocks are transposed in registers (vector t = column k+t of 16 rows) and
// each output column j keeps one vector of 16 row sums, s = fma(a[i+q, k], b[k, j], s), k in
// order: the recipe above, lane by lane.

// Rows i..i+mr (mr ≤ 16) × NJ columns of C, one K block: B's row k at b + k·bs, column j
// at + j·cs (cs = 1 row-major, ldb transposed).
INLINE5 T512 void narrow5_body(const int NJ, long kc, const float *a, long lda, const float *b, long bs, long cs,
                               float *c, long ldc, long mr, float alpha, float beta, int first, const float *bias,
                               int relu) {
    __m512 acc[8];
    for (int j = 0; j < NJ; j++) acc[j] = _mm512_setzero_ps();
    for (long k = 0; k < kc; k += 16) {
        long kk = kc - k < 16 ? kc - k : 16;
        __mmask16 km = latent_first_lanes(kk);
        __m512 r[16];
#pragma clang loop unroll(full)
        for (int q = 0; q < 16; q++) r[q] = _mm512_maskz_loadu_ps(q < mr ? km : 0, a + q * lda + k);
        transpose16(r);
        if (kk == 16) {
#pragma clang loop unroll(full)
            for (int t = 0; t < 16; t++)
#pragma clang loop unroll(full)
                for (int j = 0; j < NJ; j++) acc[j] = _mm512_fmadd_ps(r[t], _mm512_set1_ps(b[(k + t) * bs + j * cs]), acc[j]);
        } else {
            for (int t = 0; t < kk; t++)
#pragma clang loop unroll(full)
                for (int j = 0; j < NJ; j++) acc[j] = _mm512_fmadd_ps(r[t], _mm512_set1_ps(b[(k + t) * bs + j * cs]), acc[j]);
        }
    }
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    float tmp[16] __attribute__((aligned(64)));
    for (int j = 0; j < NJ; j++) {
        __m512 v = acc[j];
        if (alpha != 1.0f) v = _mm512_mul_ps(v, va);
        if (!first || beta != 0) {
            for (long q = 0; q < 16; q++) tmp[q] = q < mr ? c[q * ldc + j] : 0;
            __m512 old = _mm512_load_ps(tmp);
            v = !first ? _mm512_add_ps(old, v) : _mm512_fmadd_ps(old, vb, v);
        }
        if (bias) v = _mm512_add_ps(v, _mm512_set1_ps(bias[j]));  // lanes are rows: one bias per column
        if (relu) v = _mm512_max_ps(v, _mm512_setzero_ps());
        _mm512_store_ps(tmp, v);
        for (long q = 0; q < mr; q++) c[q * ldc + j] = tmp[q];
    }
}

typedef void (*narrow5_fn)(long kc, const float *a, long lda, const float *b, long bs, long cs, float *c, long ldc,
                           long mr, float alpha, float beta, int first, const float *bias, int relu);
#define N5(NJ)                                                                                               \
    T512 static void narrow5_##NJ(long kc, const float *a, long lda, const float *b, long bs, long cs, float *c, \
                                  long ldc, long mr, float alpha, float beta, int first, const float *bias,  \
                                  int relu) {                                                              \
        narrow5_body(NJ, kc, a, lda, b, bs, cs, c, ldc, mr, alpha, beta, first, bias, relu);               \
    }
N5(1) N5(2) N5(3) N5(4) N5(5) N5(6) N5(7) N5(8)
static const narrow5_fn narrow5[9] = {0, narrow5_1, narrow5_2, narrow5_3, narrow5_4,
                                      narrow5_5, narrow5_6, narrow5_7, narrow5_8};

T512 static void sgemm_rows_narrow5(int transB, long N, long K, float alpha, const float *A, long lda, const float *B,
                                    long ldb, float beta, float *C, long ldc, long i0, long i1, const float *bias,
                                    int relu) {
    long bs = transB ? 1 : ldb, cs = transB ? ldb : 1;
    for (long i = i0; i < i1; i += 16) {
        long mr = i1 - i < 16 ? i1 - i : 16;
        for (long pc = 0; pc < K; pc += KC) {
            long kc = K - pc < KC ? K - pc : KC;
            int last = pc + kc == K;
            narrow5[N](kc, A + i * lda + pc, lda, B + pc * bs, bs, cs, C + i * ldc, ldc, mr, alpha, beta, pc == 0,
                       last ? bias : NULL, last && relu);
        }
    }
}

// One tile for the driver below: rows mr × cols ≤ width (32 or 16) columns, one K block;
// A packed (ap, [k][MR5]) or in place.
T512 static void tile5(int packedA, long mr, long width, long cols, long kc, const float *a, long lda, const float *b,
                       long bs, float *c, long ldc, float alpha, float beta, int first, const float *bias, int relu,
                       int prefetch) {
    int nv = (int)(width / 16);
    long lastCols = cols - 16 * (nv - 1);
    __mmask16 mlast = latent_first_lanes(lastCols);
    k5_kernels[packedA][nv - 1][mr](kc, a, lda, b, bs, c, ldc, mlast, mr, alpha, beta, first, bias, relu, prefetch);
}

// ---- One driver for both instruction sets ---------------------------------------------
// What differs between AVX2 and AVX-512: tile height, panel widths, packing and kernels.
typedef struct {
    long mr, mc;     // rows per tile, rows per block of A
    long panel;      // the widest panel of columns
    long l2Floats;   // a column block's B (all K rows) stays within this many floats of L2
    long (*panel_width)(long nc, long jr);
    void (*pack_bt)(const float *B, long ldb, long K, long j0, long nc, float *bp);
    void (*pack_at)(const float *A, long lda, long i0, long mc, long p0, long kc, float *ap);
    void (*tile)(int packedA, long mr, long width, long cols, long kc, const float *a, long lda, const float *b,
                 long bs, float *c, long ldc, float alpha, float beta, int first, const float *bias, int relu,
                 int prefetch);  // prefetch: the next tile's rows of A read in place (k_block_end)
} gemm_isa;

static const gemm_isa isa_avx2 = {MR2, MC2, 16, 1L << 17, panel2, pack_bt2, pack_at2, tile2};
static const gemm_isa isa_avx512 = {MR5, MC5, 32, 1L << 18, panel5, pack_bt5, pack_a5t, tile5};

// Column blocks of B (packed into panels when transposed; row-major B is read in place,
// measured faster than packing it even for m = 4096), blocks of MC rows (Aᵀ packed into
// MR-row panels), K blocks of KC; in each, row tile outer and panels inner: the tile's A
// (≤ MR × KC) stays in L1 while B streams from L2. With `bias` or `relu` (see k2_body)
// the stores of the last K block end a Dense layer. Inlined into each instruction set's
// entry below, so the descriptor's calls are direct.
static inline __attribute__((always_inline)) void sgemm_rows_blocked(
    const gemm_isa *isa, int transA, int transB, long N, long K, float alpha, const float *A, long lda,
    const float *B, long ldb, float beta, float *C, long ldc, long i0, long i1, const float *bias, int relu) {
    long nc0 = isa->l2Floats / K / isa->panel * isa->panel;
    if (nc0 < isa->panel) nc0 = isa->panel;
    long kcMax = K < KC ? K : KC;
    long bpSize = transB ? K * ((N < nc0 ? N : nc0) + isa->panel) : 0;
    long apSize = transA ? kcMax * (isa->mc + isa->mr) : 0;
    float *buf = NULL;
    if (bpSize + apSize > 0) {
        buf = scratch_get(bpSize + apSize + 16);
        if (!buf) {  // out of memory: the same recipe one element at a time
            sgemm_rows_recipe(transA, transB, N, K, alpha, A, lda, B, ldb, beta, C, ldc, i0, i1);
            recipe_bias_act(N, C, ldc, i0, i1, bias, relu);
            return;
        }
    }
    float *bp = buf, *ap = buf + bpSize;
    for (long jc = 0; jc < N; jc += nc0) {
        long nc = N - jc < nc0 ? N - jc : nc0;
        if (transB) isa->pack_bt(B, ldb, K, jc, nc, bp);
        for (long ic = i0; ic < i1; ic += isa->mc) {
            long mc = i1 - ic < isa->mc ? i1 - ic : isa->mc;
            for (long pc = 0; pc < K; pc += KC) {
                long kc = K - pc < KC ? K - pc : KC;
                int last = pc + kc == K;
                if (transA) isa->pack_at(A, lda, ic, mc, pc, kc, ap);
                for (long ir = 0, mr, t = 0; ir < mc; ir += mr, t++) {
                    mr = tile_rows(mc - ir, isa->mr);  // packed A: tile t's panel is slot t
                    for (long jr = 0; jr < nc; jr += isa->panel) {
                        long w = isa->panel_width(nc, jr), cols = nc - jr < w ? nc - jr : w;
                        const float *b = transB ? bp + jr * K + pc * w : B + pc * ldb + jc + jr;
                        long bs = transB ? w : ldb;
                        const float *a = transA ? ap + t * isa->mr * kc : A + (ic + ir) * lda + pc;
                        isa->tile(transA, mr, w, cols, kc, a, lda, b, bs, C + (ic + ir) * ldc + jc + jr, ldc, alpha,
                                  beta, pc == 0, last && bias ? bias + jc + jr : NULL, last && relu,
                                  !transA && jr == 0);  // later panels find the tile's rows in L1
                    }
                }
            }
        }
    }
}

AVX2 static void sgemm_rows_avx2(int transA, int transB, long N, long K, float alpha, const float *A, long lda,
                                 const float *B, long ldb, float beta, float *C, long ldc, long i0, long i1,
                                 const float *bias, int relu) {
    sgemm_rows_blocked(&isa_avx2, transA, transB, N, K, alpha, A, lda, B, ldb, beta, C, ldc, i0, i1, bias, relu);
}

T512 static void sgemm_rows_avx512(int transA, int transB, long N, long K, float alpha, const float *A, long lda,
                                   const float *B, long ldb, float beta, float *C, long ldc, long i0, long i1,
                                   const float *bias, int relu) {
    if (!transA && N <= NARROW5) {
        sgemm_rows_narrow5(transB, N, K, alpha, A, lda, B, ldb, beta, C, ldc, i0, i1, bias, relu);
        return;
    }
    sgemm_rows_blocked(&isa_avx512, transA, transB, N, K, alpha, A, lda, B, ldb, beta, C, ldc, i0, i1, bias, relu);
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

// C = A·Bᵀ for a few rows of A against many of B (a training shard's input gradient,
// 16 rows · 784×64ᵀ): packing Bᵀ cost more than the product, and was done again for each
// shard. Cᵀ = B·Aᵀ packs the few rows of A instead, into Cᵀ on the stack, then copied to C.
// fma(a, b, s) = fma(b, a, s) and the K blocks are the same, so every element keeps the
// recipe's bits. (The swapped product has rows ≥ 4 × its columns: it never swaps again.)
#define SWAP_MAX_FLOATS 4096  // Cᵀ on the stack: 16 KB
#define SWAP_ROWS_RATIO 4     // B has at least this many times A's rows
static int swaps_to_fewer_packed_rows(int transA, int transB, long N, long rows, float beta) {
    return !transA && transB && beta == 0 && rows * SWAP_ROWS_RATIO <= N && rows * N <= SWAP_MAX_FLOATS;
}

void latent_sgemm_rows_level(int level, int transA, int transB, long N, long K, float alpha, const float *A,
                             long lda, const float *B, long ldb, float beta, float *C, long ldc, long i0, long i1) {
    if (i1 <= i0 || N <= 0) return;
#if defined(__clang__) && defined(__x86_64__)
    int have = latent_kernels_level();
    if (level > have) level = have;
    if (K > 0 && level >= 1 && swaps_to_fewer_packed_rows(transA, transB, N, i1 - i0, beta)) {
        long m = i1 - i0;
        float ct[SWAP_MAX_FLOATS];
        latent_sgemm_rows_level(level, 0, 1, m, K, alpha, B, ldb, A + i0 * lda, lda, 0.0f, ct, m, 0, N);
        for (long i = 0; i < m; i++)
            for (long j = 0; j < N; j++) C[(i0 + i) * ldc + j] = ct[j * m + i];
        return;
    }
    if (K > 0 && level >= 2) {
        sgemm_rows_avx512(transA, transB, N, K, alpha, A, lda, B, ldb, beta, C, ldc, i0, i1, NULL, 0);
        return;
    }
    if (K > 0 && level >= 1) {
        sgemm_rows_avx2(transA, transB, N, K, alpha, A, lda, B, ldb, beta, C, ldc, i0, i1, NULL, 0);
        return;
    }
#endif
    sgemm_rows_plain(transA, transB, N, K, alpha, A, lda, B, ldb, beta, C, ldc, i0, i1);
}

void latent_sgemm_rows(int transA, int transB, long N, long K, float alpha, const float *A, long lda,
                       const float *B, long ldb, float beta, float *C, long ldc, long i0, long i1) {
    latent_sgemm_rows_level(2, transA, transB, N, K, alpha, A, lda, B, ldb, beta, C, ldc, i0, i1);
}

void latent_dense_rows_level(int level, long N, long K, const float *A, long lda, const float *W, const float *bias,
                             int act, float *C, long ldc, long i0, long i1) {
    if (i1 <= i0 || N <= 0) return;
#if defined(__clang__) && defined(__x86_64__)
    int have = latent_kernels_level();
    if (level > have) level = have;
    // The kernels end the layer in their stores for identity and relu; the other
    // activations take a second pass over the rows, still warm in cache.
    if (K > 0 && level >= 1 && (act == LATENT_ACT_IDENTITY || act == LATENT_ACT_RELU)) {
        if (level >= 2) sgemm_rows_avx512(0, 0, N, K, 1.0f, A, lda, W, N, 0.0f, C, ldc, i0, i1, bias, act == LATENT_ACT_RELU);
        else sgemm_rows_avx2(0, 0, N, K, 1.0f, A, lda, W, N, 0.0f, C, ldc, i0, i1, bias, act == LATENT_ACT_RELU);
        return;
    }
#endif
    latent_sgemm_rows_level(level, 0, 0, N, K, 1.0f, A, lda, W, N, 0.0f, C, ldc, i0, i1);
    if (!bias && act == LATENT_ACT_IDENTITY) return;
    if (ldc == N) latent_bias_act(C + i0 * ldc, bias, C + i0 * ldc, i1 - i0, N, act);
    else for (long i = i0; i < i1; i++) latent_bias_act(C + i * ldc, bias, C + i * ldc, 1, N, act);
}

void latent_dense_rows(long N, long K, const float *A, long lda, const float *W, const float *bias, int act, float *C,
                       long ldc, long i0, long i1) {
    latent_dense_rows_level(2, N, K, A, lda, W, bias, act, C, ldc, i0, i1);
}
