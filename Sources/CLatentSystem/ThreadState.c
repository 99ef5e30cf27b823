// Per-thread engine state Swift cannot declare itself (thread-local storage).
#include "CLatentSystem.h"
#include <stdatomic.h>

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

// Sharded training steps so far, [one after the other, side by side]: `latent bench`
// reports which one the measured choice (MeasuredThreadChoice.swift) made.
static _Atomic long shard_steps[2];

void latent_count_shard_step(int side_by_side) { shard_steps[side_by_side ? 1 : 0]++; }

long latent_shard_steps(int side_by_side) { return shard_steps[side_by_side ? 1 : 0]; }
