"""The ADBench normal-only protocol of issue 15, shared by the Latent and the peer runners.

For a dataset and a seed:
  1. rng = numpy.random.default_rng(seed)
  2. more than 50,000 rows: keep 50,000, drawn by rng without replacement within each class,
     round(50,000 * anomaly share) of them anomalies (the share is kept);
  3. shuffle the normal rows (y = 0) with rng; the first 70 % (rounded down) are the training
     rows, the other 30 % and every anomaly are the test rows, normals first.
Methods fit on the training rows only and score the test rows (higher = more anomalous).
Metrics are computed here with numpy only (equal to scikit-learn's roc_auc_score and
average_precision_score, ties included), so the Latent runner needs no venv.
"""
import os

import numpy as np

DATA = os.environ.get(
    "ADBENCH_DATA",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "datasets", "adbench"),
)
MAX_ROWS = 50_000
TRAIN_SHARE = 0.7


def datasets():
    """Dataset names (file stems such as '29_Pima'), smallest file first."""
    names = [f[:-4] for f in os.listdir(DATA) if f.endswith(".npz")]
    return sorted(names, key=lambda n: os.path.getsize(os.path.join(DATA, n + ".npz")))


def short(name):
    """'29_Pima' -> 'Pima'."""
    return name.split("_", 1)[1] if "_" in name and name.split("_", 1)[0].isdigit() else name


def resolve(names):
    """Accepts 'Pima', '29_Pima' or 'pima'; returns full names in the order given."""
    full = datasets()
    out = []
    for n in names:
        hits = [f for f in full if f == n or short(f).lower() == n.lower()]
        if not hits:
            raise SystemExit(f"unknown dataset {n!r}; known: {', '.join(short(f) for f in full)}")
        out.append(hits[0])
    return out


def load(name):
    with np.load(os.path.join(DATA, name + ".npz")) as z:
        return z["X"].astype(np.float64), z["y"].astype(np.int64)


def split(name, seed, whole=False):
    """(train_x, test_x, test_y) for `name` and `seed`; `whole` skips the subsampling."""
    x, y = load(name)
    rng = np.random.default_rng(seed)
    if len(y) > MAX_ROWS and not whole:
        anomalies = np.flatnonzero(y == 1)
        normals = np.flatnonzero(y == 0)
        k = int(round(MAX_ROWS * len(anomalies) / len(y)))
        keep = np.concatenate([
            rng.choice(normals, MAX_ROWS - k, replace=False),
            rng.choice(anomalies, k, replace=False),
        ])
        keep.sort()
        x, y = x[keep], y[keep]
    normals = np.flatnonzero(y == 0)
    rng.shuffle(normals)
    n_train = int(len(normals) * TRAIN_SHARE)
    train = normals[:n_train]
    test = np.concatenate([normals[n_train:], np.flatnonzero(y == 1)])
    return x[train], x[test], y[test]


def auroc(y, s):
    """Area under the ROC curve; ties count one half (Mann-Whitney with average ranks)."""
    y = np.asarray(y).astype(bool)
    s = np.asarray(s, dtype=np.float64)
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos, neg = y.sum(), (~y).sum()
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def average_precision(y, s):
    """scikit-learn's average_precision_score: sum over distinct thresholds of ΔR · P."""
    y = np.asarray(y).astype(bool)
    s = np.asarray(s, dtype=np.float64)
    order = np.argsort(-s, kind="mergesort")
    y, s = y[order], s[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]   # last index of each distinct score
    tp = np.cumsum(y)[last]
    fp = (last + 1) - tp
    precision = tp / (tp + fp)
    recall = tp / y.sum()
    return float(np.sum(np.diff(np.r_[0, recall]) * precision))
