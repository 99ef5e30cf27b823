#!/usr/bin/env python3
"""Runs every development series through the `latent` CLI (detector fit --signal, then
detector evaluate) and prints solved / mean AUROC / seconds per million points, beside a
matrix-profile discord (stumpy) on the same series.

  python3 bench/signals/bench.py --latent .build/release/latent [--peer] [--only ucr|skab]
      [--every K [--offset I]] [--json out.json]

Only the Python standard library is needed for the Latent column; --peer needs numpy,
scikit-learn and stumpy (the throw-away venv: /tmp/peers-venv/bin/python).
UCR: train on rows 1..TRAINEND of each file (from its name), evaluate after it.
SKAB: train on the first 400 rows of each experiment (SKAB's protocol), evaluate the rest.
"""
import argparse, glob, gzip, json, os, re, resource, subprocess, sys, tempfile, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.abspath(os.path.join(ROOT, "..", "shared", "datasets"))


def ucr_series(every, offset=0):
    files = sorted(glob.glob(os.path.join(DATA, "ucr-anomaly", "*.txt.gz")))[offset::every]
    for f in files:
        m = re.match(r".*_(\d+)_(\d+)_(\d+)\.txt\.gz$", f)
        yield f, int(m.group(1)), int(m.group(2)), int(m.group(3))


def skab_series(every, offset=0):
    files = sorted(glob.glob(os.path.join(DATA, "skab", "valve*", "*.csv")))[offset::every]
    return files


def run(cmd):
    """Runs a command; returns (seconds, peak RSS of the child in MB)."""
    t = time.time()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(" ".join(cmd) + "\n" + p.stderr)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return time.time() - t, max(rss, before) / 1024


FIT_FLAGS = []


def latent_ucr(latent, f, train, b, e, work):
    det = os.path.join(work, "det")
    t1, r1 = run([latent, "detector", "fit", "--data", f, "--signal", "--train-rows", str(train),
                  "--out", det, "--quiet"] + FIT_FLAGS)
    t2, r2 = run([latent, "detector", "evaluate", det, "--data", f, "--anomaly-rows", f"{b}-{e}",
                  "--out", os.path.join(work, "ev")])
    m = json.load(open(os.path.join(work, "ev", "metrics.json")))
    return m, t1 + t2, max(r1, r2)


def latent_skab(latent, f, work):
    det = os.path.join(work, "det")
    common = ["--label-column", "anomaly", "--ignore-column", "changepoint"]
    t1, r1 = run([latent, "detector", "fit", "--data", f, "--signal", "--train-rows", "400",
                  "--out", det, "--quiet"] + common + FIT_FLAGS)
    t2, r2 = run([latent, "detector", "evaluate", det, "--data", f, "--out",
                  os.path.join(work, "ev")] + common)
    m = json.load(open(os.path.join(work, "ev", "metrics.json")))
    return m, t1 + t2, max(r1, r2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--latent", default=os.path.join(ROOT, ".build", "release", "latent"))
    ap.add_argument("--peer", action="store_true", help="also run the stumpy discord")
    ap.add_argument("--only", choices=["ucr", "skab"])
    ap.add_argument("--every", type=int, default=1, help="every K-th series only")
    ap.add_argument("--offset", type=int, default=0,
                    help="with --every K: start at the series with this index (1: the other half of K=2)")
    ap.add_argument("--json")
    ap.add_argument("--fit-flags", default="", help="extra flags for detector fit, e.g. '--distance raw'")
    a = ap.parse_args()
    FIT_FLAGS.extend(a.fit_flags.split())
    if a.peer:
        sys.path.insert(0, os.path.dirname(__file__))
        import peer_discord
    results = {"ucr": [], "skab": []}
    work = tempfile.mkdtemp(prefix="latent-signals-")
    if a.only != "skab":
        for f, train, b, e in ucr_series(a.every, a.offset):
            n = sum(1 for _ in gzip.open(f))
            m, sec, rss = latent_ucr(a.latent, f, train, b, e, work)
            row = {"series": os.path.basename(f), "rows": n, "solved": m["solved"],
                   "auroc": m["auroc"], "ap": m["averagePrecision"], "seconds": sec, "rss_mb": rss}
            if a.peer:
                row["peer"] = peer_discord.ucr(f, train, b, e)
            results["ucr"].append(row)
            print(json.dumps(row), flush=True)
    if a.only != "ucr":
        for f in skab_series(a.every, a.offset):
            n = sum(1 for _ in open(f)) - 1
            m, sec, rss = latent_skab(a.latent, f, work)
            row = {"series": os.path.relpath(f, DATA), "rows": n, "auroc": m["auroc"],
                   "f1": m["f1"], "seconds": sec, "rss_mb": rss}
            if a.peer:
                row["peer"] = peer_discord.skab(f)
            results["skab"].append(row)
            print(json.dumps(row), flush=True)
    print()
    print("| method | data | series | solved | mean AUROC | mean F1 | s per 10^6 points | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|")
    for key, rows in results.items():
        if not rows:
            continue
        pts = sum(r["rows"] for r in rows)
        sec = sum(r["seconds"] for r in rows)
        solved = f'{sum(r["solved"] for r in rows)}/{len(rows)}' if key == "ucr" else "–"
        f1 = f'{sum(r["f1"] for r in rows) / len(rows):.3f}' if key == "skab" else "–"
        print(f'| latent {a.fit_flags or "(defaults)"} | {key} | {len(rows)} | {solved} | '
              f'{sum(r["auroc"] for r in rows) / len(rows):.3f} | {f1} | {sec * 1e6 / pts:.1f} | '
              f'{max(r["rss_mb"] for r in rows):.0f} |')
        if a.peer:
            psec = sum(r["peer"]["seconds"] for r in rows)
            psolved = f'{sum(r["peer"]["solved"] for r in rows)}/{len(rows)}' if key == "ucr" else "–"
            print(f'| matrix-profile discord (stumpy) | {key} | {len(rows)} | {psolved} | '
                  f'{sum(r["peer"]["auroc"] for r in rows) / len(rows):.3f} | – | '
                  f'{psec * 1e6 / pts:.1f} | – |')
    if a.json:
        json.dump(results, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
