"""Fit + score wall seconds, Latent (defaults, through the CLI, process start included) and
PyOD's AutoEncoder (defaults, in this process, import excluded), back to back on each set
so that both see the same machine; seed 0. Issue 15's fit-time check: Latent at most PyOD's
AutoEncoder on every development set.

    /tmp/peers-venv/bin/python bench/adbench/paired_timing.py [--datasets Pima,wine]
        → results/paired-timing.csv, and a table on standard output
"""
import argparse
import csv
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import protocol  # noqa: E402
import run  # noqa: E402

OUT = os.path.join(HERE, "results", "paired-timing.csv")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", default="")
    ap.add_argument("--latent", default=os.path.join(run.ROOT, ".build", "release", "latent"))
    args = ap.parse_args()
    import torch
    from pyod.models.auto_encoder import AutoEncoder
    torch.set_num_threads(2)
    names = protocol.resolve(args.datasets.split(",")) if args.datasets else protocol.datasets()
    rows = []
    for name in names:
        with tempfile.TemporaryDirectory() as work:
            r = run.run_one(args.latent, name, 0, [], work, "npy")
        train, test, y = protocol.split(name, 0)
        load = os.getloadavg()[0]
        start = time.perf_counter()
        model = AutoEncoder(random_state=0, verbose=0)
        model.fit(train)
        model.decision_function(test)
        pyod = time.perf_counter() - start
        row = dict(dataset=protocol.short(name), latent=f"{r['seconds']:.3f}", pyod_ae=f"{pyod:.3f}",
                   ratio=f"{r['seconds'] / pyod:.3f}", load=f"{load:.1f}")
        rows.append(row)
        print(row, flush=True)
    with open(OUT, "w", newline="") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print("| set | Latent s | PyOD AE s | Latent / AE |\n|---|---|---|---|")
    for r in rows:
        print(f"| {r['dataset']} | {r['latent']} | {r['pyod_ae']} | {r['ratio']} |")


if __name__ == "__main__":
    main()
