// The inner loops of the signal detector's discord distances (Discord.c compiles this
// file once per instruction set through Builds.h; every name goes through FN(...)).
//
// Lanes run over reference windows j; each lane does the scalar code's operations in the
// scalar code's order, with contraction off, and the reductions are max/min, which do
// not depend on order. So every build gives the bits of the Swift loops they replace
// (DiscordCursor's documentation has the formulas).
#pragma clang fp contract(off)

typedef double FN(v8d) __attribute__((ext_vector_type(8)));

// Unaligned 8-lane loads and stores, as macros: a function taking or returning a 512-bit
// vector would change the calling convention in the AVX2 and baseline builds.
#ifndef DISCORD_LANES
#define DISCORD_LANES
#define LOAD8(p) ({ FN(v8d) v_; __builtin_memcpy(&v_, (p), sizeof v_); v_; })
#define STORE8(p, v) ({ FN(v8d) w_ = (v); __builtin_memcpy((p), &w_, sizeof w_); })
#endif

// qt[j] = Σ_t q[t]·r[j+t], t in order, for j in [0, count).
static void FN(sliding_dots)(const double *q, long m, const double *r, long count, double *qt) {
    long j = 0;
    for (; j + 8 <= count; j += 8) {
        FN(v8d) s = 0.0;
        for (long t = 0; t < m; t++) s += q[t] * LOAD8(r + j + t);
        STORE8(qt + j, s);
    }
    for (; j < count; j++) {
        double s = 0.0;
        for (long t = 0; t < m; t++) s += q[t] * r[j + t];
        qt[j] = s;
    }
}

// One recurrence step of a one-channel cursor (see latent_discord_step).
static void FN(discord_step)(const double *in, double *out, const double *r, const double *muR,
                             const double *invR, const double *ssR, long count, long m, double leaving,
                             double entering, double first, double mu, double invQ, double invM, double ss,
                             double *best, double *nearest) {
    double b = -__builtin_inf(), n = __builtin_inf();
    // Window 0 has no predecessor: its dot product `first` was computed directly.
    out[0] = first;
    b = 0.0 + (first * invM - mu * muR[0]) * invQ * invR[0];
    n = 0.0 + (ss + ssR[0] - 2 * first);
    long j = 1;
    FN(v8d) vb = b, vn = n;
    for (; j + 8 <= count; j += 8) {
        FN(v8d) v = LOAD8(in + j - 1) - leaving * LOAD8(r + j - 1) + entering * LOAD8(r + j + m - 1);
        STORE8(out + j, v);
        FN(v8d) rho = 0.0 + (v * invM - mu * LOAD8(muR + j)) * invQ * LOAD8(invR + j);
        FN(v8d) d2 = 0.0 + (ss + LOAD8(ssR + j) - 2 * v);
        vb = __builtin_elementwise_max(vb, rho);
        vn = __builtin_elementwise_min(vn, d2);
    }
    for (int l = 0; l < 8; l++) {
        b = vb[l] > b ? vb[l] : b;
        n = vn[l] < n ? vn[l] : n;
    }
    for (; j < count; j++) {
        double v = in[j - 1] - leaving * r[j - 1] + entering * r[j + m - 1];
        out[j] = v;
        double rho = 0.0 + (v * invM - mu * muR[j]) * invQ * invR[j];
        double d2 = 0.0 + (ss + ssR[j] - 2 * v);
        b = rho > b ? rho : b;
        n = d2 < n ? d2 : n;
    }
    *best = b;
    *nearest = n;
}
