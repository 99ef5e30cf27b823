"""Prints one table from JSON lines/arrays of Latent, PyTorch, Keras and ONNX Runtime
results: median samples/s per framework and workload over repeats, ratios against the
faster peer (training: PyTorch, Keras; scoring: PyTorch, Keras, and ONNX Runtime on its
own column), Latent's default thread count against one thread, peak training memory, and
the share of Latent's training steps that ran on several threads (the measured choice).
Files named latent1-*.json hold Latent at --threads 1.
usage: python table.py RESULTS_DIR [TITLE]"""
import glob
import json
import os
import statistics
import sys

rows = {}
for path in glob.glob(sys.argv[1] + "/*.json"):
    text = open(path).read().strip()
    if not text:
        continue
    items = json.loads(text) if text.startswith("[") else [json.loads(l) for l in text.splitlines() if l.startswith("{")]
    one = os.path.basename(path).startswith("latent1-")
    for r in items:
        fw = r.get("framework") or ("latent-1" if one else "latent")
        rows.setdefault((r["workload"], fw), []).append(r)


def med(workload, fw, key):
    rs = rows.get((workload, fw))
    vals = [r[key] for r in rs if r.get(key)] if rs else []
    return statistics.median(vals) if vals else None


def fmt(v, unit=""):
    if v is None:
        return "—"
    if v >= 1e6:
        return f"{v / 1e6:.2f}M{unit}"
    if v >= 1e3:
        return f"{v / 1e3:.1f}k{unit}"
    return f"{v:.0f}{unit}"


def ratio(a, b):
    return f"{a / b:.2f}×" if a and b else "—"


if len(sys.argv) > 2:
    print(sys.argv[2])
    print()
workloads = ["fashion-ae", "fashion-denoise", "ecg-ae", "mnist-vae", "lenet"]
threads = sorted({r.get("threads") for (w, fw), rs in rows.items() if fw == "latent" for r in rs} - {None})
print(f"Latent default threads: {', '.join(map(str, threads)) or '?'}")
print()
print("| workload | Latent train / score | Latent 1 thread train / score | default ÷ 1 thread train / score "
      "| PyTorch train / score | Keras train / score | ORT score | train × peer | score × peer | score × ORT "
      "| train peak MB Latent / torch / keras | steps on several threads |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for w in workloads:
    if not any((w, fw) in rows for fw in ("latent", "latent-1", "pytorch", "keras", "onnxruntime")):
        continue
    cells = []
    for fw in ("latent", "latent-1"):
        cells.append(f"{fmt(med(w, fw, 'trainSamplesPerSecond'))} / {fmt(med(w, fw, 'scoreSamplesPerSecond'))}")
    cells.append(" / ".join(ratio(med(w, "latent", k), med(w, "latent-1", k))
                            for k in ("trainSamplesPerSecond", "scoreSamplesPerSecond")))
    for fw in ("pytorch", "keras"):
        cells.append(f"{fmt(med(w, fw, 'trainSamplesPerSecond'))} / {fmt(med(w, fw, 'scoreSamplesPerSecond'))}")
    cells.append(fmt(med(w, "onnxruntime", "scoreSamplesPerSecond")))
    for key in ("trainSamplesPerSecond", "scoreSamplesPerSecond"):
        peers = [v for v in (med(w, "pytorch", key), med(w, "keras", key)) if v]
        cells.append(ratio(med(w, "latent", key), max(peers) if peers else None))
    cells.append(ratio(med(w, "latent", "scoreSamplesPerSecond"), med(w, "onnxruntime", "scoreSamplesPerSecond")))
    cells.append(" / ".join(fmt(med(w, fw, "trainPeakResidentMegabytes")) for fw in ("latent", "pytorch", "keras")))
    side = med(w, "latent", "shardsSideBySide")
    cells.append(f"{side * 100:.0f} %" if side is not None else "—")
    print(f"| {w} | " + " | ".join(cells) + " |")
