"""PyOD peers on the ADBench protocol (protocol.py): AutoEncoder, VAE, DeepSVDD, IForest, ECOD
and KNN with their defaults (random_state = the seed where a model takes one; verbose off),
2 threads, fit on the training rows and scored on the test rows. Results are appended to
results/peers.csv (dataset,seed,method,auroc,ap,seconds,load: the 1-minute load average
when the fit started, to tell a timing taken on a busy machine), which is committed: peer results do
not change with Latent's code, so a re-run of the benchmark only re-runs Latent.

  python3 -m venv /tmp/peers-venv && /tmp/peers-venv/bin/pip install pyod torch tqdm numpy scikit-learn
  nice /tmp/peers-venv/bin/python bench/adbench/peers.py [--datasets Pima,wine] [--seeds 0,1,2]
      [--methods AE,KNN] [--force]   # rows already in peers.csv are skipped unless --force;
                                     # a later row for the same key replaces an earlier one
"""
import argparse
import csv
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("MKL_NUM_THREADS", "2")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import protocol  # noqa: E402

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "peers.csv")
METHODS = ["AE", "VAE", "DeepSVDD", "IForest", "ECOD", "KNN"]
FIELDS = ["dataset", "seed", "method", "auroc", "ap", "seconds", "load"]


def make(method, d, seed):
    if method == "AE":
        from pyod.models.auto_encoder import AutoEncoder
        return AutoEncoder(random_state=seed, verbose=0)
    if method == "VAE":
        from pyod.models.vae import VAE
        return VAE(random_state=seed, verbose=0)
    if method == "DeepSVDD":
        from pyod.models.deep_svdd import DeepSVDD
        return DeepSVDD(n_features=d, random_state=seed, verbose=0)
    if method == "IForest":
        from pyod.models.iforest import IForest
        return IForest(random_state=seed)
    if method == "ECOD":
        from pyod.models.ecod import ECOD
        return ECOD()
    if method == "KNN":
        from pyod.models.knn import KNN
        return KNN()
    raise SystemExit(f"unknown method {method}")


def done():
    if not os.path.exists(RESULTS):
        return set()
    with open(RESULTS) as f:
        return {(r["dataset"], int(r["seed"]), r["method"]) for r in csv.DictReader(f)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", default="")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(2)
    names = protocol.resolve(args.datasets.split(",")) if args.datasets else protocol.datasets()
    seeds = [int(s) for s in args.seeds.split(",")]
    methods = args.methods.split(",")
    have = set() if args.force else done()
    new_file = not os.path.exists(RESULTS)
    with open(RESULTS, "a", newline="") as f:
        w = csv.DictWriter(f, FIELDS)
        if new_file:
            w.writeheader()
        for name in names:
            for seed in seeds:
                todo = [m for m in methods if (protocol.short(name), seed, m) not in have]
                if not todo:
                    continue
                train, test, y = protocol.split(name, seed)
                for m in todo:
                    model = make(m, train.shape[1], seed)
                    load = os.getloadavg()[0]
                    start = time.perf_counter()
                    model.fit(train)
                    s = model.decision_function(test)
                    seconds = time.perf_counter() - start
                    row = dict(dataset=protocol.short(name), seed=seed, method=m,
                               auroc=f"{protocol.auroc(y, s):.6f}",
                               ap=f"{protocol.average_precision(y, s):.6f}",
                               seconds=f"{seconds:.3f}", load=f"{load:.1f}")
                    w.writerow(row)
                    f.flush()
                    print(",".join(str(row[k]) for k in FIELDS), flush=True)


if __name__ == "__main__":
    main()
