// The padded-window helpers every direct convolution kernel uses.
#ifndef LATENT_WINDOW_H
#define LATENT_WINDOW_H

#include "CLatentKernels.h"

// For output pixel (oh, ow) of geometry g, runs the statement that follows once per tap
// (kh, kw) whose input pixel lies inside the image, in (kh, kw) order, with `t` the tap's
// index kh·KW + kw and `p` the input pixel's index ih·W + iw in its image. Taps that fall
// on the zero padding contribute nothing to any kernel here, so they are skipped.
#define LATENT_FOR_EACH_TAP_INSIDE(g, oh, ow, t, p)                                              \
    for (long kh_ = 0, ih_; kh_ < (g)->kh; kh_++)                                                \
        if ((ih_ = (oh) * (g)->sh + kh_ - (g)->pt) >= 0 && ih_ < (g)->h)                         \
            for (long kw_ = 0, iw_; kw_ < (g)->kw; kw_++)                                        \
                if ((iw_ = (ow) * (g)->sw + kw_ - (g)->pl) >= 0 && iw_ < (g)->w)                 \
                    for (long t = kh_ * (g)->kw + kw_, p = ih_ * (g)->w + iw_, once_ = 1; once_; \
                         once_ = 0)

// The output columns [*lo, *hi) of geometry g whose taps all fall inside the image (the
// same for every row): the kernels' unchecked fast path runs there.
static inline void latent_inside_columns(const latent_conv_geometry *g, long *lo, long *hi) {
    long l = 0, h = g->ow;
    while (l < g->ow && l * g->sw - g->pl < 0) l++;
    while (h > l && (h - 1) * g->sw - g->pl + g->kw > g->w) h--;
    *lo = l;
    *hi = h;
}

// The patches [*first, *end) along one axis (rows or columns) that read padded
// coordinate x = i + pad with a kernel of `size` at `stride` over `count` patches: those
// with x − patch·stride in [0, size). col2im's gathers sum exactly these.
static inline void latent_patches_reading(long x, long size, long stride, long count, long *first, long *end) {
    *first = x - size + 1 > 0 ? (x - size + stride) / stride : 0;
    *end = x / stride + 1 < count ? x / stride + 1 : count;
}

#endif
