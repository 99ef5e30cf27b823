// The padded-window iterator every direct convolution kernel uses.
#ifndef LATENT_WINDOW_H
#define LATENT_WINDOW_H

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

#endif
