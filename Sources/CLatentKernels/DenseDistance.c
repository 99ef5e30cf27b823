// A Dense layer's output compared with a target row by row, without keeping the output:
// scoring an autoencoder needs only each row's mean distance to its input, and writing
// the last layer's output (784 floats a row for the image models) and reading it twice
// more cost as much as the GEMM that made it.
//
// The rows go through in tiles of at most 14 (the row-invariant GEMM's row tile) whose
// outputs fit in L1/L2. Each tile runs the same kernels as the unfused path
// (latent_dense_rows, latent_distance_sum), all row-invariant, so every row gets the
// same bits as `rowMeanDistances(dense(x), t)`.
#include "CLatentKernels.h"
#include <stdlib.h>

#define TILE_ROWS 14L
#define TILE_FLOATS 8192L  // 32 KB: the tile stays in L1 (48 KB) next to the A rows

int latent_dense_distance_rows(const float *A, long lda, const float *W, long N, long K, const float *bias,
                               int act, const float *T, long ldt, int kind, float *out, long i0, long i1) {
    if (i1 <= i0 || N <= 0) return 0;
    long tile = TILE_FLOATS / N;
    if (tile > TILE_ROWS) tile = TILE_ROWS;
    if (tile < 1) tile = 1;
    float stackTile[TILE_FLOATS];
    float *y = tile * N <= TILE_FLOATS ? stackTile : malloc((size_t)N * sizeof(float));
    if (!y) return -1;
    for (long i = i0; i < i1; i += tile) {
        long rows = i1 - i < tile ? i1 - i : tile;
        latent_dense_rows(N, K, A + i * lda, lda, W, bias, act, y, N, 0, rows);
        double sums[TILE_ROWS];
        latent_distance_sums(y, N, T + i * ldt, ldt, rows, N, kind, sums);
        for (long r = 0; r < rows; r++) out[i + r] = (float)(sums[r] / (double)N);
    }
    if (y != stackTile) free(y);
    return 0;
}
