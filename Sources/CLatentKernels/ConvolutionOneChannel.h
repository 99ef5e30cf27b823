// The AVX-512 convolutions for one input or one output channel (ConvolutionOneChannel.c),
// for Convolution.c, which checks that they apply: the CPU runs AVX-512 and the geometry
// is theirs (each says which).
#ifndef LATENT_CONVOLUTION_ONE_CHANNEL_H
#define LATENT_CONVOLUTION_ONE_CHANNEL_H

#include "CLatentKernels.h"

#if defined(__clang__) && defined(__x86_64__)
/// y = act(conv(x, w) + bias) for c = 1, 2 ≤ f ≤ 16 (bias [f] or NULL; act relu when
/// `relu`, else identity), the same bits as the convolution then latent_bias_act.
void latent_avx512_conv_forward_one_input(const latent_conv_geometry *g, const float *x, const float *w,
                                          const float *bias, int relu, float *y, long n0, long n1);
/// y = conv(x, w) for f = 1, 2 ≤ c ≤ 16.
void latent_avx512_conv_forward_one_output(const latent_conv_geometry *g, const float *x, const float *w, float *y,
                                           long n0, long n1);
/// dx = convᵀ(gy, wt) for f = 1, 2 ≤ c ≤ 16 (overwritten); wt [kh, kw, f, c].
void latent_avx512_conv_backward_input_one_output(const latent_conv_geometry *g, const float *gy, const float *wt,
                                                  float *dx, long n0, long n1);
/// dw += the weight gradient for kh·kw ≤ 64 taps and one input channel (oneInput: c = 1,
/// 2 ≤ f ≤ 16) or one output channel (f = 1, 2 ≤ c ≤ 16).
void latent_avx512_conv_backward_weight_single(const latent_conv_geometry *g, const float *x, const float *gy,
                                               float *dw, long n0, long n1, int oneInput);
/// The AVX2 forms (ConvolutionOneChannelAVX2.c): the same geometries and the same bits.
void latent_avx2_conv_forward_one_input(const latent_conv_geometry *g, const float *x, const float *w,
                                        const float *bias, int relu, float *y, long n0, long n1);
void latent_avx2_conv_forward_one_output(const latent_conv_geometry *g, const float *x, const float *w, float *y,
                                         long n0, long n1);
void latent_avx2_conv_backward_weight_single(const latent_conv_geometry *g, const float *x, const float *gy,
                                             float *dw, long n0, long n1, int oneInput);
#endif

#endif
