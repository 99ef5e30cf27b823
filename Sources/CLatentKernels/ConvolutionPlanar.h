// The planar stride-1 convolution (ConvolutionPlanar.c), for Convolution.c, which decides
// when it runs.
#ifndef LATENT_CONVOLUTION_PLANAR_H
#define LATENT_CONVOLUTION_PLANAR_H

#include "CLatentKernels.h"
#include <stdint.h>

/// Sizes of one image's planar buffers.
typedef struct {
    long c, f, kh, kw, ow;
    long pixels;       // oh·ow
    long paddedPixels; // rounded up to 16: whole vectors at both widths
    long planeStride;  // floats per shifted plane, with the last block's overrun
} latent_planar_layout;

latent_planar_layout latent_planar_layout_of(const latent_conv_geometry *g);

/// y = act(conv(x, w) + bias) for images n0..<n1 (bias [f] or NULL): the planar
/// convolution with the bits of latent_bias_act after it (identity and relu applied in its
/// stores, other activations in a pass over each image while it is in cache). Returns 0,
/// computing nothing, when the CPU lacks AVX-512 or the stride is not 1.
int latent_planar_forward(const latent_conv_geometry *g, const float *x, const float *w, const float *bias, int act,
                          float *y, long n0, long n1);

/// y = maxpool₂ₓ₂,₂(act(conv(x, w) + bias)) for images n0..<n1, y [n, PH, PW, f] with
/// PH = (oh − 2)/2 + 1 (likewise PW): each image's outputs pooled while planar and in
/// cache, with the bits of latent_planar_forward then latent_maxpool_forward, including
/// its argmax into `arg` (NULL: not wanted). Identity and relu only; returns 0, computing
/// nothing, where it does not apply.
int latent_planar_forward_pooled(const latent_conv_geometry *g, const float *x, const float *w, const float *bias,
                                 int act, float *y, int32_t *arg, long n0, long n1);

#endif
