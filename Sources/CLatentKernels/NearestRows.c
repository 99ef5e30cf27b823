// Nearest reference rows (NearestRowsTemplate.h), one build per instruction set, chosen
// at run time.
#include "CLatentKernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#define LATENT_TEMPLATE "NearestRowsTemplate.h"
#include "Builds.h"

void latent_pack_rows(const float *R, long count, long d, float *P) {
    long panels = (count + NR_LANES - 1) / NR_LANES;
    memset(P, 0, (size_t)(panels * d * NR_LANES) * sizeof(float));
    for (long j = 0; j < count; j++)
        for (long f = 0; f < d; f++) P[((j / NR_LANES) * d + f) * NR_LANES + j % NR_LANES] = R[j * d + f];
}

long latent_packed_rows_size(long count, long d) { return (count + NR_LANES - 1) / NR_LANES * d * NR_LANES; }

void latent_nearest_rows(const float *Q, long ldq, const float *P, long count, long d, long k, long selfOffset,
                         float *dist, int32_t *index, long q0, long q1) {
    LATENT_DISPATCH(nearest_rows, Q, ldq, P, count, d, k, selfOffset, dist, index, q0, q1);
}

void latent_nearest_rows_level(int level, const float *Q, long ldq, const float *P, long count, long d, long k,
                               long selfOffset, float *dist, int32_t *index, long q0, long q1) {
    int have = latent_kernels_level();
    LATENT_DISPATCH_AT(level < have ? level : have, nearest_rows, Q, ldq, P, count, d, k, selfOffset, dist, index,
                       q0, q1);
}
