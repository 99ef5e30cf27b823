// The first n of a vector's 16 float lanes as an AVX-512 mask (none for n ≤ 0, all from 16
// on): the masked loads and stores at the end of a row, a channel block or a K block.
#ifndef LATENT_LANES_H
#define LATENT_LANES_H

#if defined(__clang__) && defined(__x86_64__)
#include <immintrin.h>

static inline __mmask16 latent_first_lanes(long n) {
    return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1u);
}
#endif

#endif
