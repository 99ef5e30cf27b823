// The floating-point control register: flush-to-zero and denormals-are-zero.
#include "CLatentSystem.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define LATENT_FTZ_DAZ 0x8040u /* bit 15 = FTZ, bit 6 = DAZ */

unsigned long latent_enable_flush_to_zero(void) {
    unsigned int previous = _mm_getcsr();
    _mm_setcsr(previous | LATENT_FTZ_DAZ);
    return previous;
}

void latent_restore_float_mode(unsigned long previous) {
    _mm_setcsr((unsigned int)previous);
}
#elif defined(__aarch64__)
unsigned long latent_enable_flush_to_zero(void) {
    unsigned long previous;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(previous));
    unsigned long next = previous | (1ul << 24); /* FZ bit */
    __asm__ __volatile__("msr fpcr, %0" : : "r"(next));
    return previous;
}

void latent_restore_float_mode(unsigned long previous) {
    __asm__ __volatile__("msr fpcr, %0" : : "r"(previous));
}
#else
unsigned long latent_enable_flush_to_zero(void) { return 0; }
void latent_restore_float_mode(unsigned long previous) { (void)previous; }
#endif
