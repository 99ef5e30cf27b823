// Max pooling (PoolingTemplate.h), one build per instruction set, chosen at run time.
#include "CLatentKernels.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LATENT_TEMPLATE "PoolingTemplate.h"
#include "Builds.h"

int latent_maxpool_forward(const latent_conv_geometry *g, const float *x, float *y, int32_t *arg, long n0, long n1) {
    return LATENT_DISPATCH(maxpool_forward, g, x, y, arg, n0, n1);
}
