// A convolution's weight gradient with its patches read in place ("implicit im2col"),
// AVX-512.
//
// dwᵀ = gyᵀ · cols (Convolution.c's backward_weight_gemm, where the filters leave a
// vector's lanes idle) wrote a K block's patches, 256 pixels × KH·KW·C floats (250 KB for
// LeNet's second layer), then read them once: the copies were a tenth of LeNet's
// training, bound by their stores. A patch row is KH runs of KW·C consecutive floats of
// the image (one per kernel row), so the GEMM's 16-column vectors of row k can be loaded
// from the image itself: a vector within one kernel row is one load, one across the
// boundary of two is two masked loads. Patches on the padding are still copied (their
// zeros are nowhere in the image), into a scratch row read the same way.
//
// The products, their order and their K blocks are the GEMM's (RowInvariantGEMM.c): per
// block of LATENT_GEMM_KC pixels, s = fma(gy[k, f], cols[k, q], s) over k in order from
// s = 0, then dwt[f, q] = dwt[f, q] + s. So the bits of the materialised path (tested).
#include "ConvolutionImplicit.h"
#include "Lanes.h"
#include <stdlib.h>

#if defined(__clang__) && defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma")))

// Where vector v of a patch row (columns 16v ..< 16v + 16) is: lanes `first` from kernel
// row `rowA` at offset `offsetA` into it, lanes `second` (none, or the lanes past that
// kernel row's end) from row rowA + 1 at offsetB; `stored`: the lanes inside the patch.
typedef struct {
    long rowA, offsetA, rowB, offsetB;
    __mmask16 first, second, stored;
} vector_source;

static void plan_vectors(long kernelRowFloats, long patch, long vectors, vector_source *plan) {
    for (long v = 0; v < vectors; v++) {
        const long q0 = 16 * v, end = q0 + 16 < patch ? q0 + 16 : patch;
        vector_source s = {0, 0, 0, 0, 0, 0, 0};
        if (q0 < patch) {
            const long a = q0 / kernelRowFloats, boundary = (a + 1) * kernelRowFloats;
            const long endA = boundary < end ? boundary : end;
            s.rowA = s.rowB = a;
            s.offsetA = s.offsetB = q0 - a * kernelRowFloats;
            s.first = latent_first_lanes(endA - q0);
            s.stored = latent_first_lanes(end - q0);
            if (endA < end) {
                s.rowB = a + 1;
                s.offsetB = q0 - boundary;
                s.second = (__mmask16)(s.stored & ~s.first);
            }
        }
        plan[v] = s;
    }
}

AVX512 static inline __m512 load_vector(const float *const *rows, const vector_source *s) {
    const __m512 v = _mm512_maskz_loadu_ps(s->first, rows[s->rowA] + s->offsetA);
    return _mm512_mask_loadu_ps(v, s->second, rows[s->rowB] + s->offsetB);
}

// dwt rows f0 ..< f0 + MR, columns of vectors 2j and 2j + 1, one K block of kc pixels
// (gy rows from gyRows, F floats apart; pixel k's kernel rows at rows[k·KH + kh]).
#define TILE(MR)                                                                                             \
    AVX512 static void tile_##MR(const float *gyRows, long F, long f0, long kc, const float *const *rows,      \
                                 long KH, const vector_source *s, float *dwt, long patch, long q0) {         \
        __m512 acc[MR][2];                                                                                   \
        for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();                             \
        for (long k = 0; k < kc; k++) {                                                                      \
            const float *const *pixelRows = rows + k * KH;                                                   \
            const __m512 b0 = load_vector(pixelRows, s), b1 = load_vector(pixelRows, s + 1);                 \
            const float *a = gyRows + k * F + f0;                                                            \
            for (int r = 0; r < MR; r++) {                                                                   \
                const __m512 av = _mm512_set1_ps(a[r]);                                                      \
                acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);                                              \
                acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);                                              \
            }                                                                                                \
        }                                                                                                    \
        for (int r = 0; r < MR; r++) {                                                                       \
            float *row = dwt + (f0 + r) * patch + q0;                                                        \
            for (int h = 0; h < 2; h++) {                                                                    \
                const __mmask16 m = s[h].stored;                                                             \
                const __m512 old = _mm512_maskz_loadu_ps(m, row + 16 * h);                                   \
                _mm512_mask_storeu_ps(row + 16 * h, m, _mm512_add_ps(old, acc[r][h]));                       \
            }                                                                                                \
        }                                                                                                    \
    }

TILE(1) TILE(2) TILE(3) TILE(4) TILE(5) TILE(6) TILE(7) TILE(8) TILE(9) TILE(10) TILE(11) TILE(12)

typedef void (*tile_fn)(const float *, long, long, long, const float *const *, long, const vector_source *, float *,
                        long, long);
#define MAX_TILE 12
static const tile_fn tiles[MAX_TILE + 1] = {0,       tile_1, tile_2, tile_3,  tile_4,  tile_5, tile_6,
                                            tile_7,  tile_8, tile_9, tile_10, tile_11, tile_12};

int latent_implicit_weight_gradient(const latent_conv_geometry *g, const float *x, const float *gy, float *dwt,
                                    long n0, long n1) {
    const long C = g->c, F = g->f, KH = g->kh, KW = g->kw, kernelRowFloats = KW * C, patch = KH * kernelRowFloats;
    const long pixels = g->oh * g->ow, imageSize = g->h * g->w * C, rows = (n1 - n0) * pixels;
    if (latent_cpu_level() < 2 || kernelRowFloats < 16 || F < 1) return 0;
    if (rows <= 0) return 1;
    // Vectors in pairs (a last odd one paired with an empty source: loads and stores nothing).
    const long vectors = (patch + 15) / 16, pairs = (vectors + 1) / 2;
    vector_source *plan = malloc((size_t)(2 * pairs) * sizeof(vector_source));
    const float **pixelRows = malloc((size_t)(LATENT_GEMM_KC * KH) * sizeof(float *));
    float *border = malloc((size_t)(LATENT_GEMM_KC * patch) * sizeof(float));
    if (!plan || !pixelRows || !border) abort();
    plan_vectors(kernelRowFloats, patch, 2 * pairs, plan);
    // Filters in tiles of at most MAX_TILE rows, as even as they go (20 → 10 + 10).
    const long tileCount = (F + MAX_TILE - 1) / MAX_TILE;
    for (long r0 = 0; r0 < rows; r0 += LATENT_GEMM_KC) {
        const long kc = rows - r0 < LATENT_GEMM_KC ? rows - r0 : LATENT_GEMM_KC;
        for (long k = 0; k < kc; k++) {
            const long n = n0 + (r0 + k) / pixels, p = (r0 + k) % pixels;
            const float *image = x + n * imageSize;
            const long ih0 = p / g->ow * g->sh - g->pt, iw0 = p % g->ow * g->sw - g->pl;
            const float **rowsOfK = pixelRows + k * KH;
            if (ih0 >= 0 && ih0 + KH <= g->h && iw0 >= 0 && iw0 + KW <= g->w) {
                for (long kh = 0; kh < KH; kh++) rowsOfK[kh] = image + ((ih0 + kh) * g->w + iw0) * C;
            } else {
                float *copy = border + k * patch;
                latent_im2col_pixels(g, image, p, p + 1, copy);
                for (long kh = 0; kh < KH; kh++) rowsOfK[kh] = copy + kh * kernelRowFloats;
            }
        }
        const float *gyRows = gy + (n0 * pixels + r0) * F;
        for (long t = 0, f0 = 0; t < tileCount; t++) {
            const long f1 = (t + 1) * F / tileCount;
            for (long j = 0; j < pairs; j++)
                tiles[f1 - f0](gyRows, F, f0, kc, pixelRows, KH, plan + 2 * j, dwt, patch, 32 * j);
            f0 = f1;
        }
    }
    free(plan);
    free(pixelRows);
    free(border);
    return 1;
}

#else

int latent_implicit_weight_gradient(const latent_conv_geometry *g, const float *x, const float *gy, float *dwt,
                                    long n0, long n1) {
    (void)g; (void)x; (void)gy; (void)dwt; (void)n0; (void)n1;
    return 0;
}

#endif
