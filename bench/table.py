"""Prints one table from JSON lines/arrays of Latent, PyTorch and Keras results: median
samples/s per framework and workload over repeats, ratios against the faster peer, and
peak training memory. usage: python table.py RESULTS_DIR"""
import glob
import json
import statistics
import sys

rows = {}
for path in glob.glob(sys.argv[1] + "/*.json"):
    text = open(path).read().strip()
    if not text:
        continue
    items = json.loads(text) if text.startswith("[") else [json.loads(l) for l in text.splitlines() if l.startswith("{")]
    for r in items:
        fw = r.get("framework", "latent")
        rows.setdefault((r["workload"], fw), []).append(r)


def med(workload, fw, key):
    rs = rows.get((workload, fw))
    return statistics.median(r[key] for r in rs) if rs else None


def fmt(v, unit=""):
    if v is None:
        return "—"
    if v >= 1e6:
        return f"{v / 1e6:.2f}M{unit}"
    if v >= 1e3:
        return f"{v / 1e3:.1f}k{unit}"
    return f"{v:.0f}{unit}"


workloads = ["fashion-ae", "fashion-denoise", "ecg-ae", "mnist-vae", "lenet"]
print("| workload | Latent train / score | PyTorch train / score | Keras train / score | train ratio | score ratio | train peak MB Latent / torch / keras |")
print("|---|---|---|---|---|---|---|")
for w in workloads:
    if not any((w, fw) in rows for fw in ("latent", "pytorch", "keras")):
        continue
    cells = []
    for fw in ("latent", "pytorch", "keras"):
        cells.append(f"{fmt(med(w, fw, 'trainSamplesPerSecond'))} / {fmt(med(w, fw, 'scoreSamplesPerSecond'))}")
    ratios = []
    for key in ("trainSamplesPerSecond", "scoreSamplesPerSecond"):
        mine = med(w, "latent", key)
        peers = [v for v in (med(w, "pytorch", key), med(w, "keras", key)) if v]
        ratios.append(f"{mine / max(peers):.2f}×" if mine and peers else "—")
    mem = " / ".join(fmt(med(w, fw, "trainPeakResidentMegabytes")) for fw in ("latent", "pytorch", "keras"))
    print(f"| {w} | " + " | ".join(cells) + f" | {ratios[0]} | {ratios[1]} | {mem} |")
