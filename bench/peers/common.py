"""Shared pieces of the peer benchmarks: workload sizes (the same as `latent bench`),
timing, peak memory and the JSON line each run prints."""
import json
import resource
import sys
import time

WORKLOADS = ["fashion-ae", "fashion-denoise", "ecg-ae", "mnist-vae", "lenet"]
SAMPLES = {"fashion-ae": 12000, "fashion-denoise": 12000, "ecg-ae": 50000, "mnist-vae": 12000, "lenet": 12000}
BATCH = {"fashion-ae": 32, "fashion-denoise": 32, "ecg-ae": 512, "mnist-vae": 20, "lenet": 20}
SCORING_BATCH = 4096
MIN_SCORING_SECONDS = 0.5


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # KiB on Linux


def time_scoring(score_pass):
    """One warm-up pass, then whole passes until MIN_SCORING_SECONDS; passes/s."""
    score_pass()
    passes, start = 0, time.perf_counter()
    while True:
        score_pass()
        passes += 1
        elapsed = time.perf_counter() - start
        if elapsed >= MIN_SCORING_SECONDS:
            return passes, elapsed


def emit(framework, workload, threads, epochs, train_seconds, train_peak, passes, score_seconds):
    n = SAMPLES[workload]
    print(json.dumps({
        "framework": framework, "workload": workload, "batchSize": BATCH[workload], "threads": threads,
        "epochs": epochs, "trainSamplesPerSecond": n * epochs / train_seconds if train_seconds > 0 else 0.0,
        "scoreSamplesPerSecond": n * passes / score_seconds,
        "trainPeakResidentMegabytes": train_peak, "peakResidentMegabytes": peak_rss_mb(),
    }))
    sys.stdout.flush()


def parse_args():
    """The command line every peer script takes: WORKLOAD [--threads N] [--epochs N]."""
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("workload")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=2)
    return parser.parse_args()
