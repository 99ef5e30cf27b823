// Gathering a batch's rows: the copy that starts every training step.
#include "CLatentKernels.h"
#include <string.h>

// A batch's rows sit anywhere in a data set larger than the caches, so each row's copy
// waits for memory; one row at a time, a short row (ECG's 140 floats: 9 cache lines)
// leaves most of the core's outstanding misses unused. The rows about 4 KB ahead are
// therefore requested while earlier rows are copied.
void latent_gather_rows(const float *src, long row, const long *indices, long count, float *dst) {
    const long bytes = row * (long)sizeof(float);
    const long ahead = bytes >= 4096 ? 1 : 4096 / (bytes > 0 ? bytes : 1);
    for (long k = 0; k < count; k++) {
        if (k + ahead < count) {
            const char *next = (const char *)(src + indices[k + ahead] * row);
            for (long b = 0; b < bytes; b += 64) __builtin_prefetch(next + b, 0, 3);
        }
        memcpy(dst + k * row, src + indices[k] * row, (size_t)bytes);
    }
}
