// Per-thread engine state Swift cannot declare itself (thread-local storage).
#include "CLatentSupport.h"

static _Thread_local int latent_serial;

int latent_thread_is_serial(void) { return latent_serial; }

int latent_thread_set_serial(int serial) {
    int previous = latent_serial;
    latent_serial = serial;
    return previous;
}

static _Thread_local int latent_shard;

int latent_thread_shard(void) { return latent_shard; }

int latent_thread_set_shard(int shard) {
    int previous = latent_shard;
    latent_shard = shard;
    return previous;
}
