// The signal detector's discord loops (DiscordTemplate.h), one build per instruction set,
// chosen at run time.
#include "CLatentKernels.h"

#define LATENT_TEMPLATE "DiscordTemplate.h"
#include "Builds.h"

void latent_sliding_dots(const double *q, long m, const double *r, long count, double *qt) {
    LATENT_DISPATCH(sliding_dots, q, m, r, count, qt);
}

void latent_discord_step(const double *in, double *out, const double *r, const double *muR, const double *invR,
                         const double *ssR, long count, long m, double leaving, double entering, double first,
                         double mu, double invQ, double invM, double ss, double *best, double *nearest) {
    LATENT_DISPATCH(discord_step, in, out, r, muR, invR, ssR, count, m, leaving, entering, first, mu, invQ, invM,
                    ss, best, nearest);
}

void latent_discord_step_level(int level, const double *in, double *out, const double *r, const double *muR,
                               const double *invR, const double *ssR, long count, long m, double leaving,
                               double entering, double first, double mu, double invQ, double invM, double ss,
                               double *best, double *nearest) {
    int have = latent_kernels_level();
    LATENT_DISPATCH_AT(level < have ? level : have, discord_step, in, out, r, muR, invR, ssR, count, m, leaving,
                       entering, first, mu, invQ, invM, ss, best, nearest);
}
