// The k nearest reference rows of each query row (NearestRows.c compiles this file once
// per instruction set through Builds.h; every name goes through FN(...)).
//
// The reference is packed in panels of 16 rows, feature-major inside a panel
// (P[(panel·d + f)·16 + lane]), so that one query's distances to 16 rows are one vector
// loop over the features. Four queries share each panel load. A distance is summed over
// the features in their order, lane by lane, with contraction off: every build (AVX-512,
// AVX2, baseline) and every split of the queries gives the same bits.
#pragma clang fp contract(off)

#define NR_LANES 16
#define NR_QUERIES 4

// Inserts (v, j) into the ascending list (dist, index) of `have` ≤ k entries; a tie keeps
// the earlier reference row first.
static inline void FN(nr_insert)(float *dist, int32_t *index, long k, long *have, float v, int32_t j) {
    long n = *have < k ? *have : k - 1;
    if (*have >= k && !(v < dist[k - 1])) return;
    long i = n;
    while (i > 0 && v < dist[i - 1]) {
        dist[i] = dist[i - 1];
        index[i] = index[i - 1];
        i--;
    }
    dist[i] = v;
    index[i] = j;
    if (*have < k) (*have)++;
}

static void FN(nearest_rows)(const float *Q, long ldq, const float *P, long count, long d, long k,
                             long selfOffset, float *dist, int32_t *index, long q0, long q1) {
    long panels = (count + NR_LANES - 1) / NR_LANES;
    for (long q = q0; q < q1; q += NR_QUERIES) {
        long m = q1 - q < NR_QUERIES ? q1 - q : NR_QUERIES;
        long have[NR_QUERIES] = {0, 0, 0, 0};
        for (long p = 0; p < panels; p++) {
            const float *panel = P + p * d * NR_LANES;
            float acc[NR_QUERIES][NR_LANES];
            for (long t = 0; t < NR_QUERIES; t++)
                for (int l = 0; l < NR_LANES; l++) acc[t][l] = 0.0f;
            if (m == NR_QUERIES) {
                const float *a = Q + q * ldq, *b = a + ldq, *c = b + ldq, *e = c + ldq;
                for (long f = 0; f < d; f++) {
                    const float *v = panel + f * NR_LANES;
                    float x0 = a[f], x1 = b[f], x2 = c[f], x3 = e[f];
                    for (int l = 0; l < NR_LANES; l++) {
                        float u0 = v[l] - x0, u1 = v[l] - x1, u2 = v[l] - x2, u3 = v[l] - x3;
                        acc[0][l] += u0 * u0;
                        acc[1][l] += u1 * u1;
                        acc[2][l] += u2 * u2;
                        acc[3][l] += u3 * u3;
                    }
                }
            } else {
                for (long t = 0; t < m; t++) {
                    const float *a = Q + (q + t) * ldq;
                    for (long f = 0; f < d; f++) {
                        const float *v = panel + f * NR_LANES;
                        float x = a[f];
                        for (int l = 0; l < NR_LANES; l++) {
                            float u = v[l] - x;
                            acc[t][l] += u * u;
                        }
                    }
                }
            }
            long lanes = count - p * NR_LANES < NR_LANES ? count - p * NR_LANES : NR_LANES;
            for (long t = 0; t < m; t++) {
                float *dt = dist + (q + t) * k;
                int32_t *it = index + (q + t) * k;
                for (long l = 0; l < lanes; l++) {
                    long j = p * NR_LANES + l;
                    if (selfOffset >= 0 && j == q + t + selfOffset) continue;
                    FN(nr_insert)(dt, it, k, &have[t], acc[t][l], (int32_t)j);
                }
            }
        }
        for (long t = 0; t < m; t++)
            for (long i = have[t]; i < k; i++) {
                dist[(q + t) * k + i] = INFINITY;
                index[(q + t) * k + i] = -1;
            }
    }
}
