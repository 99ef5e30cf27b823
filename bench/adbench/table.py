"""Tables from results/*.csv: per dataset AUROC / AP / seconds (mean over the seeds present),
per method mean AUROC and mean rank (ranked per dataset on the seed-mean AUROC, ties shared,
over the datasets where every method has every seed).

  python3 bench/adbench/table.py [--latent NAME]            # Latent = results/NAME.csv
  python3 bench/adbench/table.py --compare a,b,c            # Latent variants against the peers
"""
import argparse
import csv
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import protocol  # noqa: E402

RESULTS = os.path.join(HERE, "results")
DOCS = os.path.abspath(os.path.join(HERE, "..", "..", "docs", "quality.md"))
PEERS = ["AE", "VAE", "DeepSVDD", "IForest", "ECOD", "KNN"]
TITLES = {"AE": "PyOD AE", "VAE": "PyOD VAE", "DeepSVDD": "DeepSVDD", "IForest": "IForest",
          "ECOD": "ECOD", "KNN": "KNN"}


def read(path):
    """Rows of a results CSV; a later row for the same (dataset, seed, method) wins."""
    rows = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            rows[(r["dataset"], int(r["seed"]), r["method"])] = r
    return list(rows.values())


def collect(latent_names):
    """{method: {dataset: {seed: row}}} for the peers and the Latent variants."""
    by = {}
    peers = os.path.join(RESULTS, "peers.csv")
    for r in read(peers) if os.path.exists(peers) else []:
        by.setdefault(r["method"], {}).setdefault(r["dataset"], {})[int(r["seed"])] = r
    for name in latent_names:
        path = os.path.join(RESULTS, name + ".csv")
        for r in read(path) if os.path.exists(path) else []:
            by.setdefault(name, {}).setdefault(r["dataset"], {})[int(r["seed"])] = r
    return by


def mean(values):
    values = list(values)
    return sum(values) / len(values) if values else None


def ranks(scores):
    """Rank 1 = highest; ties share the mean rank."""
    order = sorted(scores, key=lambda m: -scores[m])
    out, i = {}, 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and abs(scores[order[j + 1]] - scores[order[i]]) < 1e-12:
            j += 1
        for m in order[i:j + 1]:
            out[m] = (i + j) / 2 + 1
        i = j + 1
    return out


def summary(by, methods, datasets, seeds=None, any_seed=False):
    """Per dataset seed-mean AUROC/AP/seconds and the complete datasets (every method, every
    seed in `seeds`, or the seeds the first method has; with `any_seed`, at least one)."""
    cell = {}
    complete = []
    for d in datasets:
        want = seeds or sorted(by.get(methods[0], {}).get(d, {}))
        if any_seed:
            ok = all(any(s in by.get(m, {}).get(d, {}) and by[m][d][s]["auroc"] != "nan"
                         for s in want) for m in methods)
            for m in methods:
                runs = by.get(m, {}).get(d, {})
                got = [runs[s] for s in want if s in runs and runs[s]["auroc"] != "nan"]
                if got:
                    cell[(m, d)] = {k: mean(float(r[k]) for r in got) for k in ("auroc", "ap", "seconds")}
                    cell[(m, d)]["seeds"] = len(got)
            if ok:
                complete.append(d)
            continue
        ok = bool(want)
        for m in methods:
            runs = by.get(m, {}).get(d, {})
            got = [runs[s] for s in want if s in runs and runs[s]["auroc"] != "nan"]
            if len(got) < len(want) or not got:
                ok = False
            if got:
                cell[(m, d)] = {k: mean(float(r[k]) for r in got) for k in ("auroc", "ap", "seconds")}
        if ok:
            complete.append(d)
    return cell, complete


def method_stats(cell, methods, complete):
    rank_sum = {m: 0.0 for m in methods}
    for d in complete:
        for m, r in ranks({m: cell[(m, d)]["auroc"] for m in methods}).items():
            rank_sum[m] += r
    n = len(complete)
    return {m: dict(auroc=mean(cell[(m, d)]["auroc"] for d in complete) if n else None,
                    ap=mean(cell[(m, d)]["ap"] for d in complete) if n else None,
                    rank=rank_sum[m] / n if n else None) for m in methods}


def shapes():
    out = {}
    for name in protocol.datasets():
        import numpy as np
        with np.load(os.path.join(protocol.DATA, name + ".npz")) as z:
            out[protocol.short(name)] = z["X"].shape
    return out


def markdown(latent_name="latent", title="Latent"):
    methods = [latent_name] + PEERS
    by = collect([latent_name])
    sh = shapes()
    datasets = sorted(sh, key=lambda d: sh[d][0] * sh[d][1])
    cell, complete = summary(by, methods, datasets, seeds=[0, 1, 2], any_seed=True)
    heads = [title] + [TITLES[m] for m in PEERS]
    lines = []
    seeds_note = "seeds 0–2"
    lines.append(f"AUROC, mean over {seeds_note} (best in bold):\n")
    lines.append("| dataset (rows × features) | " + " | ".join(heads) + " |")
    lines.append("|---|" + "---|" * len(heads))
    for d in datasets:
        vals = {m: cell[(m, d)]["auroc"] for m in methods if (m, d) in cell}
        best = max(vals.values()) if len(vals) > 1 else None   # nothing to beat alone
        row = [f"{d} ({sh[d][0]} × {sh[d][1]})"]
        for m in methods:
            v = vals.get(m)
            failed = any(r["auroc"] == "nan" for r in by.get(m, {}).get(d, {}).values())
            mark = "" if v is None or cell[(m, d)]["seeds"] == 3 else "¹" if cell[(m, d)]["seeds"] == 1 else "²"
            row.append("fails" if failed else "" if v is None else (f"**{v:.3f}**{mark}" if best is not None and abs(v - best) < 5e-4 else f"{v:.3f}{mark}"))
        lines.append("| " + " | ".join(row) + " |")
    stats = method_stats(cell, methods, complete)
    lines.append("| **mean AUROC** | " + " | ".join(
        f"{stats[m]['auroc']:.3f}" if stats[m]["auroc"] is not None else "" for m in methods) + " |")
    lines.append("| **mean rank** | " + " | ".join(
        f"{stats[m]['rank']:.2f}" if stats[m]["rank"] is not None else "" for m in methods) + " |")
    lines.append("| mean average precision | " + " | ".join(
        f"{stats[m]['ap']:.3f}" if stats[m]["ap"] is not None else "" for m in methods) + " |")
    lines.append(f"\nMeans and ranks over the {len(complete)} sets where every method has a result "
                 "(¹ seed 0 only, ² two seeds; otherwise the mean of seeds 0–2); ranks per set on "
                 "that mean AUROC (1 = best, ties share).\n")
    both = [d for d in datasets if (latent_name, d) in cell and ("AE", d) in cell]
    if both:
        la = mean(cell[(latent_name, d)]["auroc"] for d in both)
        ae = mean(cell[("AE", d)]["auroc"] for d in both)
        worst = min(both, key=lambda d: cell[(latent_name, d)]["auroc"] - cell[("AE", d)]["auroc"])
        wins = sum(cell[(latent_name, d)]["auroc"] > cell[("AE", d)]["auroc"] + 5e-4 for d in both)
        lines.append(f"Against PyOD's AutoEncoder on the {len(both)} sets where both have results: "
                     f"mean AUROC {la:.3f} against {ae:.3f}; Latent ahead on {wins}; the worst set is "
                     f"{worst} ({cell[(latent_name, worst)]['auroc'] - cell[('AE', worst)]['auroc']:+.3f}).\n")
    lines.append("Fit + score wall seconds as the CSVs record them (mean over the seeds; the `load` "
                 "column says how busy the machine was) against PyOD's AutoEncoder, and average "
                 "precision:\n")
    lines.append("| dataset | Latent s | PyOD AE s | Latent/AE | Latent AP | PyOD AE AP |")
    lines.append("|---|---|---|---|---|---|")
    for d in datasets:
        a, b = cell.get((latent_name, d)), cell.get(("AE", d))
        if not a:
            continue
        lines.append(f"| {d} | {a['seconds']:.2f} | " + (f"{b['seconds']:.2f} | {a['seconds'] / b['seconds']:.2f} | "
                     if b else " | | ") + f"{a['ap']:.3f} | " + (f"{b['ap']:.3f} |" if b else " |"))
    return "\n".join(lines)


def compare(names, seeds=None):
    """One line per Latent variant: its mean AUROC and rank among the peers, worst set
    against PyOD AE, and mean seconds."""
    by = collect(names)
    sh = shapes()
    datasets = sorted(sh, key=lambda d: sh[d][0] * sh[d][1])
    print(f"{'variant':>24} {'sets':>4} {'AUROC':>6} {'rank':>5} {'AE':>6} {'best peer':>9} "
          f"{'worst vs AE':>18} {'s/AE':>6}")
    for name in names:
        methods = [name] + PEERS
        cell, complete = summary(by, methods, datasets, seeds)
        if not complete:
            print(f"{name:>24}: no complete set")
            continue
        st = method_stats(cell, methods, complete)
        best_peer = max(st[m]["auroc"] for m in PEERS)
        worst = min(complete, key=lambda d: cell[(name, d)]["auroc"] - cell[("AE", d)]["auroc"])
        gap = cell[(name, worst)]["auroc"] - cell[("AE", worst)]["auroc"]
        ratio = mean(cell[(name, d)]["seconds"] / cell[("AE", d)]["seconds"] for d in complete)
        print(f"{name:>24} {len(complete):>4} {st[name]['auroc']:.4f} {st[name]['rank']:>5.2f} "
              f"{st['AE']['auroc']:.4f} {best_peer:>9.4f} {worst:>12} {gap:+.3f} {ratio:>6.2f}")


def per_set(names, seeds=None):
    """AUROC per set for several variants side by side."""
    by = collect(names)
    sh = shapes()
    datasets = sorted(sh, key=lambda d: sh[d][0] * sh[d][1])
    cols = names + ["AE", "KNN"]
    print(f"{'dataset':>16} " + " ".join(f"{c[:10]:>10}" for c in cols))
    for d in datasets:
        vals = []
        for c in cols:
            runs = by.get(c, {}).get(d, {})
            got = [float(runs[s]["auroc"]) for s in (seeds or sorted(runs)) if s in runs]
            vals.append(f"{mean(got):>10.4f}" if got else f"{'':>10}")
        print(f"{d:>16} " + " ".join(vals))


def write_docs(text, marker="dev"):
    start, end = f"<!-- table:{marker} -->", f"<!-- /table:{marker} -->"
    doc = open(DOCS).read() if os.path.exists(DOCS) else ""
    block = f"{start}\n{text}\n{end}"
    if start in doc:
        doc = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, doc, flags=re.S)
    else:
        doc += "\n" + block + "\n"
    open(DOCS, "w").write(doc)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--latent", default="latent")
    ap.add_argument("--compare", default="")
    ap.add_argument("--seeds", default="")
    ap.add_argument("--per-set", action="store_true")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")] if args.seeds else None
    if args.compare:
        names = args.compare.split(",")
        compare(names, seeds)
        if args.per_set:
            per_set(names, seeds)
    else:
        print(markdown(args.latent))
