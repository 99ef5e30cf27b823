// Elementwise and fused kernels, written as plain loops that clang vectorises.
// Elementwise.c compiles this file once per instruction set (Builds.h); every name goes
// through FN(...).
//
// Results do not depend on how a caller splits an array across threads: every element
// is computed by the same instructions (vector body and scalar remainder use the same
// target features), so splitting only changes which thread computes it.

static inline float FN(f_from_bits)(int32_t b) { float f; memcpy(&f, &b, 4); return f; }
static inline uint32_t FN(bits_of)(float f) { uint32_t b; memcpy(&b, &f, 4); return b; }

// e^r for r = x − n·ln2 (ln2 in two parts, so r keeps its bits), |r| ≤ ln2/2: Cephes's
// polynomial, ≈1 ulp.
static inline float FN(exp_reduced)(float x, float n) {
    float r = x - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    float z = r * r;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    return p * z + r + 1.0f;
}

// e^x, Cephes-style: x = n·ln2 + r, e^r by exp_reduced, 2^n built from exponent bits in
// two halves so that n = 128 still overflows to +inf correctly. Below −87.5 the result is
// 0 (the true value is denormal, which FTZ would flush anyway); NaN stays NaN.
static inline float FN(exp1)(float x) {
    float xc = x < -87.5f ? -87.5f : x;
    xc = xc > 88.8f ? 88.8f : xc;
    float fx = xc * 1.44269504088896341f;
    float n = (fx + 12582912.0f) - 12582912.0f;  // round to nearest
    float y = FN(exp_reduced)(xc, n);
    n = n == n ? n : 0.0f;  // NaN: keep the conversion defined; y is already NaN
    int32_t ni = (int32_t)n;
    int32_t h = ni >> 1;
    y = y * FN(f_from_bits)((h + 127) << 23) * FN(f_from_bits)((ni - h + 127) << 23);
    return x < -87.5f ? 0.0f : y;
}

// e^a for a ≤ 0 (NaN stays NaN), exp1's polynomial with less around it: with no overflow
// to handle, 2^n is one factor, read from the rounding sum's low bits (m = fx + 1.5·2^23
// holds n there, and shifting by 23 drops the rest). The clamp at −88 makes n ≥ −127,
// where that factor's bits are 0: e^a is 0 from −87.68 down (the true value is denormal,
// which FTZ would flush anyway). ~25 % fewer instructions than exp1.
static inline float FN(exp_nonpositive1)(float a) {
    float xc = a < -88.0f ? -88.0f : a;
    float m = xc * 1.44269504088896341f + 12582912.0f;
    float n = m - 12582912.0f;
    return FN(exp_reduced)(xc, n) * FN(f_from_bits)((int32_t)((FN(bits_of)(m) + 127u) << 23));
}

// 1/(1 + e^−x) from t = e^−|x| ≤ 1: 1/(1 + t) for x ≥ 0, t/(1 + t) below, one rounding
// each (≤ 2.4 ulp against double on every 7th float of ±120, where exp1's form had 2.5);
// 0.29 against 0.44 ns an element with 512-bit vectors (Zen 4), the same bits with 256.
// NaN stays NaN; 0 from −87.68 down.
static inline float FN(sigmoid1)(float x) {
    float t = FN(exp_nonpositive1)(x < 0 ? x : -x);
    return (x < 0 ? t : 1.0f) / (1.0f + t);
}

// tanh: an odd polynomial near 0 (Cephes tanhf), (1 − e)/(1 + e) with e = e^−2|x| elsewhere
// (≤ 1.5 ulp against double on every 7th float, 0.45 against 0.58 ns an element for
// 1 − 2/(e^2|x| + 1) with exp1, whose overflow handling it does not need).
static inline float FN(tanh1)(float x) {
    float a = x < 0 ? -x : x;
    float z = x * x;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    float small = p * z * x + x;
    float e = FN(exp_nonpositive1)(-2.0f * a);
    float t = (1.0f - e) / (1.0f + e);
    t = x < 0 ? -t : t;
    return a < 0.625f ? small : t;
}

static inline float FN(act1)(int act, float x) {
    switch (act) {
    case LATENT_ACT_RELU: return x > 0 ? x : 0.0f;
    case LATENT_ACT_SIGMOID: return FN(sigmoid1)(x);
    case LATENT_ACT_TANH: return FN(tanh1)(x);
    case LATENT_ACT_SOFTPLUS: { float a = x < 0 ? -x : x; return (x > 0 ? x : 0.0f) + log1pf(FN(exp1)(-a)); }
    default: return x;
    }
}

// Elementwise loops read and write element i only, and callers may pass the same buffer as
// input and output (in place). Clang's run-time overlap check then fails and it runs the
// scalar loop: sigmoid in place cost 45 instructions per element (callgrind). Exact
// aliasing is safe for such loops, so vectorisation is asserted. Partial overlap is not
// allowed (no caller does it).
#ifndef LATENT_ELEMENTWISE
#define LATENT_ELEMENTWISE _Pragma("clang loop vectorize(assume_safety)")
#endif

static void FN(unary)(int op, const float *x, float *y, long n) {
    switch (op) {
    case LATENT_UN_NEG: LATENT_ELEMENTWISE for (long i = 0; i < n; i++) y[i] = -x[i]; break;
    case LATENT_UN_EXP: LATENT_ELEMENTWISE for (long i = 0; i < n; i++) y[i] = FN(exp1)(x[i]); break;
    case LATENT_UN_LOG: LATENT_ELEMENTWISE for (long i = 0; i < n; i++) y[i] = logf(x[i]); break;
    case LATENT_UN_SQRT: LATENT_ELEMENTWISE for (long i = 0; i < n; i++) y[i] = __builtin_elementwise_sqrt(x[i]); break;
    case LATENT_UN_SQUARE: LATENT_ELEMENTWISE for (long i = 0; i < n; i++) y[i] = x[i] * x[i]; break;
    case LATENT_UN_ABS: LATENT_ELEMENTWISE for (long i = 0; i < n; i++) y[i] = fabsf(x[i]); break;
    case LATENT_UN_RELU: LATENT_ELEMENTWISE for (long i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0.0f; break;
    case LATENT_UN_SIGMOID: LATENT_ELEMENTWISE for (long i = 0; i < n; i++) y[i] = FN(sigmoid1)(x[i]); break;
    case LATENT_UN_TANH: LATENT_ELEMENTWISE for (long i = 0; i < n; i++) y[i] = FN(tanh1)(x[i]); break;
    case LATENT_UN_SOFTPLUS: LATENT_ELEMENTWISE for (long i = 0; i < n; i++) y[i] = FN(act1)(LATENT_ACT_SOFTPLUS, x[i]); break;
    default: break;
    }
}

static inline float FN(binary1)(int op, float a, float b) {
    switch (op) {
    case LATENT_BIN_ADD: return a + b;
    case LATENT_BIN_SUB: return a - b;
    case LATENT_BIN_MUL: return a * b;
    case LATENT_BIN_DIV: return a / b;
    case LATENT_BIN_SECOND: return b;
    case LATENT_BIN_RELU_GRAD: return b > 0 ? a : 0.0f;                 // g, x
    case LATENT_BIN_SIGMOID_GRAD: return a * b * (1.0f - b);            // g, y
    case LATENT_BIN_TANH_GRAD: return a * (1.0f - b * b);               // g, y
    case LATENT_BIN_SQUARE_GRAD: return 2.0f * a * b;                   // g, x
    case LATENT_BIN_ABS_GRAD: return b > 0 ? a : (b < 0 ? -a : 0.0f);   // g, x
    case LATENT_BIN_SQRT_GRAD: return 0.5f * a / b;                     // g, y
    case LATENT_BIN_SOFTPLUS_GRAD: return a * FN(sigmoid1)(b);          // g, x
    case LATENT_BIN_NEG_DIV: return -a / b;
    default: return 0.0f;
    }
}

// out[i] = op(a[i·sa], b[i·sb]) with sa, sb ∈ {0, 1} (0 broadcasts a scalar).
// One loop per operator and stride pattern, so each vectorises.
#define LATENT_BINARY_LOOPS(OPV)                                                          \
    if (sa && sb) { LATENT_ELEMENTWISE for (long i = 0; i < n; i++) out[i] = FN(binary1)(OPV, a[i], b[i]); } \
    else if (sa) { float s = b[0]; LATENT_ELEMENTWISE for (long i = 0; i < n; i++) out[i] = FN(binary1)(OPV, a[i], s); } \
    else if (sb) { float s = a[0]; LATENT_ELEMENTWISE for (long i = 0; i < n; i++) out[i] = FN(binary1)(OPV, s, b[i]); } \
    else { float v = FN(binary1)(OPV, a[0], b[0]); LATENT_ELEMENTWISE for (long i = 0; i < n; i++) out[i] = v; }

static void FN(binary)(int op, const float *a, long sa, const float *b, long sb, float *out, long n) {
    switch (op) {
    case LATENT_BIN_ADD: LATENT_BINARY_LOOPS(LATENT_BIN_ADD) break;
    case LATENT_BIN_SUB: LATENT_BINARY_LOOPS(LATENT_BIN_SUB) break;
    case LATENT_BIN_MUL: LATENT_BINARY_LOOPS(LATENT_BIN_MUL) break;
    case LATENT_BIN_DIV: LATENT_BINARY_LOOPS(LATENT_BIN_DIV) break;
    case LATENT_BIN_SECOND: LATENT_BINARY_LOOPS(LATENT_BIN_SECOND) break;
    case LATENT_BIN_RELU_GRAD: LATENT_BINARY_LOOPS(LATENT_BIN_RELU_GRAD) break;
    case LATENT_BIN_SIGMOID_GRAD: LATENT_BINARY_LOOPS(LATENT_BIN_SIGMOID_GRAD) break;
    case LATENT_BIN_TANH_GRAD: LATENT_BINARY_LOOPS(LATENT_BIN_TANH_GRAD) break;
    case LATENT_BIN_SQUARE_GRAD: LATENT_BINARY_LOOPS(LATENT_BIN_SQUARE_GRAD) break;
    case LATENT_BIN_ABS_GRAD: LATENT_BINARY_LOOPS(LATENT_BIN_ABS_GRAD) break;
    case LATENT_BIN_SQRT_GRAD: LATENT_BINARY_LOOPS(LATENT_BIN_SQRT_GRAD) break;
    case LATENT_BIN_SOFTPLUS_GRAD: LATENT_BINARY_LOOPS(LATENT_BIN_SOFTPLUS_GRAD) break;
    case LATENT_BIN_NEG_DIV: LATENT_BINARY_LOOPS(LATENT_BIN_NEG_DIV) break;
    default: break;
    }
}

// y[r, c] = act(z[r, c] + bias[c]) row by row; bias may be NULL; y may be z.
static void FN(bias_act_rows)(const float *z, const float *bias, float *y, long rows, long cols, int act) {
    for (long r = 0; r < rows; r++) {
        const float *zr = z + r * cols;
        float *yr = y + r * cols;
        switch (act) {
        case LATENT_ACT_RELU:
            if (bias) { LATENT_ELEMENTWISE for (long c = 0; c < cols; c++) { float v = zr[c] + bias[c]; yr[c] = v > 0 ? v : 0.0f; } }
            else { LATENT_ELEMENTWISE for (long c = 0; c < cols; c++) { float v = zr[c]; yr[c] = v > 0 ? v : 0.0f; } }
            break;
        case LATENT_ACT_SIGMOID:
            if (bias) { LATENT_ELEMENTWISE for (long c = 0; c < cols; c++) yr[c] = FN(sigmoid1)(zr[c] + bias[c]); }
            else { LATENT_ELEMENTWISE for (long c = 0; c < cols; c++) yr[c] = FN(sigmoid1)(zr[c]); }
            break;
        case LATENT_ACT_TANH:
            if (bias) { LATENT_ELEMENTWISE for (long c = 0; c < cols; c++) yr[c] = FN(tanh1)(zr[c] + bias[c]); }
            else { LATENT_ELEMENTWISE for (long c = 0; c < cols; c++) yr[c] = FN(tanh1)(zr[c]); }
            break;
        case LATENT_ACT_SOFTPLUS:
            LATENT_ELEMENTWISE for (long c = 0; c < cols; c++) yr[c] = FN(act1)(LATENT_ACT_SOFTPLUS, zr[c] + (bias ? bias[c] : 0.0f));
            break;
        default:
            if (bias) { LATENT_ELEMENTWISE for (long c = 0; c < cols; c++) yr[c] = zr[c] + bias[c]; }
            else if (yr != zr) { LATENT_ELEMENTWISE for (long c = 0; c < cols; c++) yr[c] = zr[c]; }
            break;
        }
    }
}

// y[r, c] = act(z[r, c] + bias[c]); bias may be NULL; y may be z. Rows under 16 floats (a
// convolution's channels, a one-unit output) run as wide ones, since a row of 1 or 8
// floats leaves the vector loop to its scalar remainder: without a bias the rows are one
// flat row; with one, whole rows are taken 256 floats at a time against the bias repeated
// as often. Every element gets the same operations either way.
static void FN(bias_act)(const float *z, const float *bias, float *y, long rows, long cols, int act) {
    enum { WIDE = 256 };
    if (cols >= 16 || rows < 2) { FN(bias_act_rows)(z, bias, y, rows, cols, act); return; }
    if (!bias) { FN(bias_act_rows)(z, NULL, y, 1, rows * cols, act); return; }
    const long perBlock = WIDE / cols;
    float tiled[WIDE];
    for (long i = 0; i < perBlock * cols; i++) tiled[i] = bias[i % cols];
    for (long r = 0; r < rows; r += perBlock) {
        const long n = rows - r < perBlock ? rows - r : perBlock;
        FN(bias_act_rows)(z + r * cols, tiled, y + r * cols, 1, n * cols, act);
    }
}

// dz = g ⊙ act'(·), from the activation's output y. For softplus, y = softplus(x) and
// act'(x) = sigmoid(x) = 1 − e^{−y}.
static void FN(act_grad)(const float *g, const float *y, float *dz, long n, int act) {
    switch (act) {
    case LATENT_ACT_RELU: LATENT_ELEMENTWISE for (long i = 0; i < n; i++) dz[i] = y[i] > 0 ? g[i] : 0.0f; break;
    case LATENT_ACT_SIGMOID: LATENT_ELEMENTWISE for (long i = 0; i < n; i++) dz[i] = g[i] * (y[i] * (1.0f - y[i])); break;
    case LATENT_ACT_TANH: LATENT_ELEMENTWISE for (long i = 0; i < n; i++) dz[i] = g[i] * (1.0f - y[i] * y[i]); break;
    case LATENT_ACT_SOFTPLUS: LATENT_ELEMENTWISE for (long i = 0; i < n; i++) dz[i] = g[i] * -expm1f(-y[i]); break;
    default: if (dz != g) { LATENT_ELEMENTWISE for (long i = 0; i < n; i++) dz[i] = g[i]; } break;
    }
}

// out[c] = Σ_r x[r, c] for one of the narrow widths below, the sums kept in registers:
// each column's adds form one chain over the rows, which a round trip through `out` per
// row would lengthen.
#define LATENT_COLUMN_SUMS_OF_WIDTH(W)                                              \
    case W: {                                                                       \
        float acc[W];                                                               \
        for (long c = 0; c < W; c++) acc[c] = 0.0f;                                 \
        for (long r = 0; r < rows; r++)                                             \
            for (long c = 0; c < W; c++) acc[c] += x[r * W + c];                    \
        for (long c = 0; c < W; c++) out[c] = acc[c];                               \
        return;                                                                     \
    }

// out[c] = Σ_r x[r, c] (rows added in order, so the result does not depend on threads).
static void FN(column_sums)(const float *x, float *out, long rows, long cols) {
    switch (cols) {
        LATENT_COLUMN_SUMS_OF_WIDTH(1)
        LATENT_COLUMN_SUMS_OF_WIDTH(2)
        LATENT_COLUMN_SUMS_OF_WIDTH(4)
        LATENT_COLUMN_SUMS_OF_WIDTH(8)
        LATENT_COLUMN_SUMS_OF_WIDTH(10)
        LATENT_COLUMN_SUMS_OF_WIDTH(16)
        LATENT_COLUMN_SUMS_OF_WIDTH(20)
        LATENT_COLUMN_SUMS_OF_WIDTH(32)
        LATENT_COLUMN_SUMS_OF_WIDTH(64)
    default: break;
    }
    for (long c = 0; c < cols; c++) out[c] = 0.0f;
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * cols;
        for (long c = 0; c < cols; c++) out[c] += xr[c];
    }
}
#undef LATENT_COLUMN_SUMS_OF_WIDTH

// Σ (p − t)² (kind 0) or Σ |p − t| (kind 1) of R rows of n (row r at p + r·ldp and
// t + r·ldt) into out[r], in double. Each row: sixteen float lanes per block of 1024, the
// lanes added in order, blocks added in double. R rows side by side are R independent
// chains of the same operations: one row alone waits on its adds' latency.
static inline __attribute__((always_inline)) void FN(distance_rows)(const int R, const float *p, long ldp,
                                                                    const float *t, long ldt, long n, int kind,
                                                                    double *out) {
    double total[4] = {0, 0, 0, 0};
    long i = 0;
    while (i < n) {
        long end = i + 1024 < n ? i + 1024 : n;
        float acc[4][16] = {{0}};
        long j = i;
        if (kind == 0) {
            for (; j + 16 <= end; j += 16)
                for (int r = 0; r < R; r++)
                    for (int k = 0; k < 16; k++) { float d = p[r * ldp + j + k] - t[r * ldt + j + k]; acc[r][k] += d * d; }
            for (; j < end; j++)
                for (int r = 0; r < R; r++) { float d = p[r * ldp + j] - t[r * ldt + j]; acc[r][0] += d * d; }
        } else {
            for (; j + 16 <= end; j += 16)
                for (int r = 0; r < R; r++)
                    for (int k = 0; k < 16; k++) { float d = p[r * ldp + j + k] - t[r * ldt + j + k]; acc[r][k] += fabsf(d); }
            for (; j < end; j++)
                for (int r = 0; r < R; r++) { float d = p[r * ldp + j] - t[r * ldt + j]; acc[r][0] += fabsf(d); }
        }
        for (int r = 0; r < R; r++) {
            float s = 0.0f;
            for (int k = 0; k < 16; k++) s += acc[r][k];
            total[r] += s;
        }
        i = end;
    }
    for (int r = 0; r < R; r++) out[r] = total[r];
}

static double FN(distance_sum)(const float *p, const float *t, long n, int kind) {
    double total;
    FN(distance_rows)(1, p, 0, t, 0, n, kind, &total);
    return total;
}

// distance_sum of each of `rows` rows, four at a time.
static void FN(distance_sums)(const float *p, long ldp, const float *t, long ldt, long rows, long n, int kind,
                              double *out) {
    long r = 0;
    for (; r + 4 <= rows; r += 4) FN(distance_rows)(4, p + r * ldp, ldp, t + r * ldt, ldt, n, kind, out + r);
    for (; r < rows; r++) FN(distance_rows)(1, p + r * ldp, ldp, t + r * ldt, ldt, n, kind, out + r);
}

// The index of the first NaN or ±Inf in x[0..<n], or −1: blocks of 64 tested with integer
// operations on the exponent bits (vectorised; a float comparison loop that stops at the
// first hit is not), a block with a hit scanned again element by element.
static inline int FN(non_finite)(float v) { return (FN(bits_of)(v) & 0x7F800000u) == 0x7F800000u; }
static long FN(first_non_finite)(const float *x, long n) {
    long i = 0;
    for (; i + 64 <= n; i += 64) {
        uint32_t hit = 0;
        for (long k = i; k < i + 64; k++) hit |= FN(non_finite)(x[k]);
        if (hit) break;
    }
    for (; i < n; i++)
        if (FN(non_finite)(x[i])) return i;
    return -1;
}

// out = s · (p − t) (kind 0, the squared distance's gradient with s = 2g/n) or
// s · sign(p − t) (kind 1).
static void FN(distance_grad)(const float *p, const float *t, float *out, long n, float s, int kind) {
    if (kind == 0) { for (long i = 0; i < n; i++) out[i] = s * (p[i] - t[i]); }
    else { for (long i = 0; i < n; i++) { float d = p[i] - t[i]; out[i] = d > 0 ? s : (d < 0 ? -s : 0.0f); } }
}

// Adam, Keras's form (see Adam.swift), fused into one pass. The gradient is g, or
// g + g2 (two shards' gradients, added in that order) when g2 is not null.
//
// In a data-parallel step the other CPU has just read every parameter, so a store to p
// waits for the other core's copy to be invalidated, and x86 stores leave the store
// buffer in order: with p, m and v stored every 16 elements the buffer fills behind the
// first waiting store and the arithmetic stops. So each chunk of p is claimed first, one
// store per cache line (the same value back, nothing else writes p during a step): 64
// invalidations in flight at once, then the arithmetic stores into lines this core owns.
// A prefetch for writing did this on an Intel Xeon (Emerald Rapids, KVM: 132 µs → 45 µs
// for 101k parameters) but not on an AMD EPYC (Zen 4, KVM), where two threads' step took
// 55 µs against 35 µs on one (adam harness: 28–31 µs with the claims; 260 → 75 µs when
// the two vCPUs sat on different dies, a 330 ns round trip between them).
static inline __attribute__((always_inline)) void FN(claim_lines)(float *p, long n) {
    volatile float *line = p;
    for (long i = 0; i < n; i += 16) line[i] = line[i];
}

// Element k of the step (shared by the blocked loop and its remainder).
static inline __attribute__((always_inline)) void FN(adam_element)(float *p, const float *g, const float *g2,
                                                                    float *m, float *v, long k, float b1, float b2,
                                                                    float c1, float c2, float eps, float alpha,
                                                                    float l2, float shrink) {
    float gi = (g2 ? g[k] + g2[k] : g[k]) + l2 * p[k];
    float mk = b1 * m[k] + c1 * gi;
    float vk = b2 * v[k] + c2 * gi * gi;
    m[k] = mk;
    v[k] = vk;
    p[k] = shrink * p[k] - alpha * mk / (__builtin_elementwise_sqrt(vk) + eps);
}

// One loop for both gradient forms: inlined with g2 null or not, each copy is the loop of
// its form alone.
static inline __attribute__((always_inline)) void FN(adam_span)(float *p, const float *g, const float *g2,
                                                                 float *m, float *v, long n, float b1, float b2,
                                                                 float eps, float alpha, float l2, float shrink) {
    float c1 = 1.0f - b1, c2 = 1.0f - b2;
    for (long chunk = 0; chunk < n; chunk += 1024) {
        long end = chunk + 1024 < n ? chunk + 1024 : n, i = chunk;
        FN(claim_lines)(p + chunk, end - chunk);
        for (; i + 16 <= end; i += 16)
            for (long k = i; k < i + 16; k++)
                FN(adam_element)(p, g, g2, m, v, k, b1, b2, c1, c2, eps, alpha, l2, shrink);
        for (; i < end; i++) FN(adam_element)(p, g, g2, m, v, i, b1, b2, c1, c2, eps, alpha, l2, shrink);
    }
}
static void FN(adam)(float *p, const float *g, const float *g2, float *m, float *v, long n, float b1, float b2,
                     float eps, float alpha, float l2, float shrink) {
    if (g2) FN(adam_span)(p, g, g2, m, v, n, b1, b2, eps, alpha, l2, shrink);
    else FN(adam_span)(p, g, NULL, m, v, n, b1, b2, eps, alpha, l2, shrink);
}
