// Pooling over NHWC windows, written as plain loops that clang vectorises across channels.
// Pooling.c compiles this file once per instruction set (Builds.h).

// Max pooling over NHWC windows (valid padding) for images n0..<n1: y [n, oh, ow, c] and,
// per output, the flat input index of its window's first maximum (the gradient's target;
// arg NULL: not wanted).
// Channels are innermost, so the compare-and-select runs across them in vector lanes.
// Inference (no arg): per output row, the window rows' maxima over the whole contiguous
// span of columns first (long vector loops, where a window's few channels gave short
// ones), then the maxima across each window's columns. The window's first element
// starts both ways and a value replaces it only when greater, so the maximum is the
// same (a NaN first element stays, later NaNs are skipped).
// rowmax holds `span` floats: the columns the windows of a row cover, times the channels.
static void FN(maxpool_rows)(const latent_conv_geometry *g, const float *x, float *y, float *rowmax, long span, long n0,
                             long n1) {
    const long C = g->c;
    for (long n = n0; n < n1; n++)
    for (long oy = 0; oy < g->oh; oy++) {
        const float *r0 = x + ((n * g->h + oy * g->sh) * g->w) * C;
        for (long j = 0; j < span; j++) rowmax[j] = r0[j];
        for (long ky = 1; ky < g->kh; ky++) {
            const float *r = r0 + ky * g->w * C;
            for (long j = 0; j < span; j++) rowmax[j] = r[j] > rowmax[j] ? r[j] : rowmax[j];
        }
        float *out = y + ((n * g->oh + oy) * g->ow) * C;
        for (long ox = 0; ox < g->ow; ox++) {
            const float *first = rowmax + ox * g->sw * C;
            for (long c = 0; c < C; c++) out[ox * C + c] = first[c];
            for (long kx = 1; kx < g->kw; kx++)
                for (long c = 0; c < C; c++) {
                    float v = first[kx * C + c];
                    out[ox * C + c] = v > out[ox * C + c] ? v : out[ox * C + c];
                }
        }
    }
}

static void FN(maxpool_forward)(const latent_conv_geometry *g, const float *x, float *y, int32_t *arg, long n0, long n1) {
    const long C = g->c;
    if (!arg && g->ow > 0 && g->oh > 0) {
        const long span = ((g->ow - 1) * g->sw + g->kw) * C;
        float *rowmax = malloc((size_t)span * sizeof(float));
        if (rowmax) {
            FN(maxpool_rows)(g, x, y, rowmax, span, n0, n1);
            free(rowmax);
            return;
        }
    }
    for (long n = n0; n < n1; n++)
    for (long oy = 0; oy < g->oh; oy++)
    for (long ox = 0; ox < g->ow; ox++) {
        const long o = ((n * g->oh + oy) * g->ow + ox) * C;
        const long first = ((n * g->h + oy * g->sh) * g->w + ox * g->sw) * C;
        float *best = y + o;
        if (!arg) {  // inference: the maximum only
            for (long c = 0; c < C; c++) best[c] = x[first + c];
            for (long ky = 0; ky < g->kh; ky++)
            for (long kx = 0; kx < g->kw; kx++) {
                const long i = ((n * g->h + oy * g->sh + ky) * g->w + ox * g->sw + kx) * C;
                for (long c = 0; c < C; c++) best[c] = x[i + c] > best[c] ? x[i + c] : best[c];
            }
            continue;
        }
        int32_t *where = arg + o;
        for (long c = 0; c < C; c++) { best[c] = x[first + c]; where[c] = (int32_t)(first + c); }
        for (long ky = 0; ky < g->kh; ky++)
        for (long kx = 0; kx < g->kw; kx++) {
            const long i = ((n * g->h + oy * g->sh + ky) * g->w + ox * g->sw + kx) * C;
            for (long c = 0; c < C; c++) {
                float v = x[i + c];
                int better = v > best[c];
                best[c] = better ? v : best[c];
                where[c] = better ? (int32_t)(i + c) : where[c];
            }
        }
    }
}

