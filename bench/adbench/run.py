"""Latent on the ADBench protocol (protocol.py), through the CLI as a user runs it:

  latent detector fit --data train.npz --out DIR          (the training rows: all normal)
  latent detector score DIR --input test.npz --output scores.csv

with the defaults (2 threads, the CLI's default), timing fit + score as wall seconds. Results
go to results/NAME.csv (dataset,seed,method,auroc,ap,seconds,load); the table of all methods
is printed, and written into docs/quality.md with --write.

  swift build -c release --product latent
  python3 bench/adbench/run.py                              # all 21 sets, seeds 0-2
  python3 bench/adbench/run.py --datasets Pima,wine --seeds 0 --name try --args "--loss mse"
  python3 bench/adbench/run.py --table-only --write         # rebuild the table from the CSVs
"""
import argparse
import csv
import os
import shlex
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import protocol  # noqa: E402
import table  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FIELDS = ["dataset", "seed", "method", "auroc", "ap", "seconds", "load"]


def save_npz(path, x, y=None):
    arrays = {"X": x}
    if y is not None:
        arrays["y"] = y
    np.savez_compressed(path, **arrays)


def old_widths(d):
    """The width rule before issue 15 (halving from min(64, d/2) to clamp(d/8, 2, 16))."""
    code = min(max(d // 8, 2), 16)
    width, widths = min(64, max(code, d // 2)), []
    while width > code:
        widths.append(width)
        width //= 2
    return widths + [code]


def run_one(latent, name, seed, extra, work, fmt, whole=False, threads=None, widths=False):
    train, test, y = protocol.split(name, seed, whole=whole)
    if widths:   # an ablation: the old width rule through --hidden
        extra = extra + ["--hidden", ",".join(map(str, old_widths(train.shape[1])))]
    tr = os.path.join(work, "train." + fmt)
    te = os.path.join(work, "test." + fmt)
    if fmt == "npz":
        save_npz(tr, train)
        save_npz(te, test, y)
    else:
        np.save(tr, train)
        np.save(te, test)
    det = os.path.join(work, "det")
    scores = os.path.join(work, "scores.csv")
    load = os.getloadavg()[0]
    start = time.perf_counter()
    t = ["--threads", str(threads)] if threads else []
    fit = subprocess.run([latent, "detector", "fit", "--data", tr, "--out", det, "--quiet"] + t + extra,
                         capture_output=True, text=True)
    fit_seconds = time.perf_counter() - start
    if fit.returncode != 0:
        raise RuntimeError(f"{name} seed {seed}: fit failed:\n{fit.stderr}")
    score = subprocess.run([latent, "detector", "score", det, "--input", te, "--output", scores] + t,
                           capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if score.returncode != 0:
        raise RuntimeError(f"{name} seed {seed}: score failed:\n{score.stderr}")
    with open(scores) as f:
        s = np.array([float(r["score"]) for r in csv.DictReader(f)])
    return dict(dataset=protocol.short(name), seed=seed, auroc=protocol.auroc(y, s),
                ap=protocol.average_precision(y, s), seconds=seconds, fit_seconds=fit_seconds,
                load=load, notes=fit.stdout + fit.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--latent", default=os.path.join(ROOT, ".build", "release", "latent"))
    ap.add_argument("--datasets", default="")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--name", default="latent", help="results/NAME.csv, and the method's name")
    ap.add_argument("--args", default="", help="extra `detector fit` flags (experiments)")
    ap.add_argument("--format", default="npz", choices=["npz", "npy"])
    ap.add_argument("--whole", action="store_true", help="no subsampling (donors: 619k rows)")
    ap.add_argument("--old-widths", action="store_true", help="ablation: the pre-issue-15 widths")
    ap.add_argument("--threads", type=int, default=None,
                    help="experiments only: the protocol's timing is with the default 2 threads")
    ap.add_argument("--table-only", action="store_true")
    ap.add_argument("--write", action="store_true", help="write the tables into docs/quality.md")
    ap.add_argument("--verbose", action="store_true", help="print the fit notes")
    args = ap.parse_args()
    if not args.table_only:
        names = protocol.resolve(args.datasets.split(",")) if args.datasets else protocol.datasets()
        seeds = [int(s) for s in args.seeds.split(",")]
        out = os.path.join(HERE, "results", args.name + ".csv")
        rows = table.read(out) if os.path.exists(out) else []
        with tempfile.TemporaryDirectory() as work:
            for name in names:
                for seed in seeds:
                    try:
                        r = run_one(args.latent, name, seed, shlex.split(args.args), work,
                                    args.format, args.whole, args.threads, args.old_widths)
                    except RuntimeError as e:      # recorded as a failure (nan), shown as such
                        print(e, flush=True)
                        r = dict(dataset=protocol.short(name), seed=seed, auroc=float("nan"),
                                 ap=float("nan"), seconds=float("nan"), fit_seconds=float("nan"),
                                 load=os.getloadavg()[0], notes="")
                    print(f"{r['dataset']:>16} seed {seed}: AUROC {r['auroc']:.4f}  AP {r['ap']:.4f}  "
                          f"{r['seconds']:.2f} s (fit {r['fit_seconds']:.2f} s, load {r['load']:.1f})",
                          flush=True)
                    if args.verbose:
                        print(r["notes"])
                    rows = [x for x in rows if (x["dataset"], int(x["seed"])) != (r["dataset"], seed)]
                    rows.append(dict(dataset=r["dataset"], seed=seed, method=args.name,
                                     auroc=f"{r['auroc']:.6f}", ap=f"{r['ap']:.6f}",
                                     seconds=f"{r['seconds']:.3f}", load=f"{r['load']:.1f}"))
                    with open(out, "w", newline="") as f:
                        w = csv.DictWriter(f, FIELDS)
                        w.writeheader()
                        w.writerows(rows)
    text = table.markdown(latent_name=args.name)
    print(text)
    if args.write:
        table.write_docs(text)


if __name__ == "__main__":
    main()
