// Pooling over NHWC windows, written as plain loops that clang vectorises across channels.
// Pooling.c compiles this file once per instruction set (Builds.h).

// Max pooling over NHWC windows (valid padding) for images n0..<n1: y [n, oh, ow, c] and,
// per output, the flat input index of its window's first maximum in row-major order (the
// gradient's target; arg NULL: not wanted).
//
// Per output row, rows first: the window rows' maxima over the whole contiguous span of
// columns the windows cover (long vector loops), then the maxima across each window's
// columns. That second pass runs whole groups of 16 channels (PAD), so LeNet's 10 and 20
// channels are one or two vectors rather than a vector loop's scalar remainder (the
// per-window loop it replaced was 10 % of a LeNet training step); the lanes past a
// window's channels compute values for the next window's, which overwrites them, or for
// the padding of the row buffer.
//
// Which element wins: a value replaces the running maximum only when greater, and across
// columns an equal value wins when its index is lower, so the maximum found is the window's
// first in row-major order, its index the lowest of the maxima (a NaN first element stays,
// later NaNs are skipped), as a scan of the window in row-major order would find. Without
// arg the index is not kept: the value is the same up to the sign of a zero.
#define POOL_PAD 16

static void FN(maxpool_row)(const latent_conv_geometry *g, const float *x, long n, long oy, float *rowmax,
                            int32_t *rowarg, long span, float *outRow, int32_t *argRow, int wantArg) {
    const long C = g->c, G = (C + POOL_PAD - 1) / POOL_PAD * POOL_PAD;
    const long first = (n * g->h + oy * g->sh) * g->w * C;
    const float *r0 = x + first;
    for (long j = 0; j < span; j++) rowmax[j] = r0[j];
    if (wantArg) for (long j = 0; j < span; j++) rowarg[j] = (int32_t)(first + j);
    for (long ky = 1; ky < g->kh; ky++) {
        const float *r = r0 + ky * g->w * C;
        const int32_t at = (int32_t)(first + ky * g->w * C);
        if (wantArg) {
            for (long j = 0; j < span; j++) {
                int better = r[j] > rowmax[j];
                rowmax[j] = better ? r[j] : rowmax[j];
                rowarg[j] = better ? at + (int32_t)j : rowarg[j];
            }
        } else {
            for (long j = 0; j < span; j++) rowmax[j] = r[j] > rowmax[j] ? r[j] : rowmax[j];
        }
    }
    for (long ox = 0; ox < g->ow; ox++) {
        const float *m = rowmax + ox * g->sw * C;
        float *o = outRow + ox * C;
        for (long c = 0; c < G; c++) o[c] = m[c];
        if (wantArg) {
            const int32_t *a = rowarg + ox * g->sw * C;
            int32_t *oa = argRow + ox * C;
            for (long c = 0; c < G; c++) oa[c] = a[c];
            for (long kx = 1; kx < g->kw; kx++)
                for (long c = 0; c < G; c++) {
                    float v = m[kx * C + c];
                    int32_t i = a[kx * C + c];
                    int better = (v > o[c]) | ((v == o[c]) & (i < oa[c]));
                    o[c] = better ? v : o[c];
                    oa[c] = better ? i : oa[c];
                }
        } else {
            for (long kx = 1; kx < g->kw; kx++)
                for (long c = 0; c < G; c++) o[c] = m[kx * C + c] > o[c] ? m[kx * C + c] : o[c];
        }
    }
}

// Returns -1 when the scratch rows cannot be had (nothing written).
static int FN(maxpool_forward)(const latent_conv_geometry *g, const float *x, float *y, int32_t *arg, long n0,
                               long n1) {
    const long C = g->c;
    if (g->ow <= 0 || g->oh <= 0 || n1 <= n0) return 0;
    const long span = ((g->ow - 1) * g->sw + g->kw) * C, outs = g->ow * C;
    // rowmax and rowarg: the span and a group of lanes past it; the output row likewise.
    const long floats = 2 * (span + POOL_PAD) + 2 * (outs + POOL_PAD);
    float stackScratch[4096];
    float *scratch = floats <= 4096 ? stackScratch : malloc((size_t)floats * sizeof(float));
    if (!scratch) return -1;
    memset(scratch, 0, (size_t)floats * sizeof(float));  // the lanes past the rows are read, never used
    float *rowmax = scratch, *outRow = scratch + 2 * (span + POOL_PAD);
    int32_t *rowarg = (int32_t *)(scratch + span + POOL_PAD), *argRow = (int32_t *)(outRow + outs + POOL_PAD);
    for (long n = n0; n < n1; n++)
        for (long oy = 0; oy < g->oh; oy++) {
            const long o = (n * g->oh + oy) * outs;
            FN(maxpool_row)(g, x, n, oy, rowmax, rowarg, span, outRow, argRow, arg != NULL);
            memcpy(y + o, outRow, (size_t)outs * sizeof(float));
            if (arg) memcpy(arg + o, argRow, (size_t)outs * sizeof(int32_t));
        }
    if (scratch != stackScratch) free(scratch);
    return 0;
}
