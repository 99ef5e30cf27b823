// A convolution's weight gradient with its patches read in place (ConvolutionImplicit.c),
// for Convolution.c, which decides when it runs.
#ifndef LATENT_CONVOLUTION_IMPLICIT_H
#define LATENT_CONVOLUTION_IMPLICIT_H

#include "CLatentKernels.h"

/// cols[(oh, ow), (kh, kw, c)] for output pixels p0..<p1 of one image (Convolution.c's
/// im2col): the patches the implicit kernel cannot read in place (those on the padding).
void latent_im2col_pixels(const latent_conv_geometry *g, const float *image, long p0, long p1, float *cols);

/// dwt [f, kh·kw·c] += gyᵀ · cols over images n0..<n1, cols (the im2col patches of x)
/// never stored: each patch row's 16-column vectors loaded from x's rows where the patch
/// lies inside the image. The GEMM's recipe (an FMA chain per K block of LATENT_GEMM_KC
/// pixels from zero, added to dwt block by block), so the bits of latent_sgemm_rows on
/// the materialised patches. Returns 0, computing nothing, without AVX-512 or when a
/// kernel row (kw·c floats) is shorter than a vector.
int latent_implicit_weight_gradient(const latent_conv_geometry *g, const float *x, const float *gy, float *dwt,
                                    long n0, long n1);

#endif
