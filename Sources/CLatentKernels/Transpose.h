// dst [cols, rows] = src [rows, cols]ᵀ, for the convolutions' layouts: a kernel and its
// gradient turned for products that read them the other way round (Convolution.c), an
// NHWC image made channel-major and planar outputs made NHWC (ConvolutionPlanar.c).
#ifndef LATENT_TRANSPOSE_H
#define LATENT_TRANSPOSE_H

#include <stdint.h>

// Row by row of dst, so its writes are consecutive: the order of the planar paths' loops
// this replaced (an alternation of the two orders on LeNet's scoring was within this VM's
// noise; the kernel transposes of Convolution.c are a few thousand floats per call).
#define LATENT_DEFINE_TRANSPOSE(NAME, T)                                                  \
    static inline void NAME(const T *src, long rows, long cols, T *dst) {                 \
        for (long c = 0; c < cols; c++)                                                   \
            for (long r = 0; r < rows; r++) dst[c * rows + r] = src[r * cols + c];        \
    }

LATENT_DEFINE_TRANSPOSE(transpose_into, float)
LATENT_DEFINE_TRANSPOSE(transpose_indices_into, int32_t)

#endif
