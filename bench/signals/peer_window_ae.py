"""The window-autoencoder baseline of the long-signal issue, in PyTorch: windows of the
period (the same autocorrelation rule as Latent's and peer_discord's) cut from the
training part with stride 1, standardised by the training mean and std; series over
100,000 points block-averaged to at most 100,000, as in the issue's reference table.

  dense: m → 128 → 32 → 128 → m (ReLU), the issue's baseline
  conv:  Conv1d 1→16→32 (kernel 7, stride 2, ReLU), ConvTranspose1d back to 1 channel

Adam (lr 1e-3), batches of 256 windows, 2000 steps, MSE, seed 0. A window's score is its
mean squared reconstruction error; a point's score is the mean over the windows covering
it. Standalone (the throw-away venv's Python):

  /tmp/peers-venv/bin/python bench/signals/peer_window_ae.py --every 2 [--offset 1] [--model conv]
"""
import argparse, glob, gzip, os, re, time
import numpy as np
import torch
from sklearn.metrics import roc_auc_score
from peer_discord import period

torch.set_num_threads(int(os.environ.get("AE_THREADS", "2")))


def network(kind, m):
    nn = torch.nn
    if kind == "dense":
        return nn.Sequential(nn.Linear(m, 128), nn.ReLU(), nn.Linear(128, 32), nn.ReLU(),
                             nn.Linear(32, 128), nn.ReLU(), nn.Linear(128, m))

    class Conv(nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = nn.Sequential(nn.Conv1d(1, 16, 7, 2, 3), nn.ReLU(), nn.Conv1d(16, 32, 7, 2, 3), nn.ReLU())
            self.dec = nn.Sequential(nn.ConvTranspose1d(32, 16, 7, 2, 3, output_padding=1), nn.ReLU(),
                                     nn.ConvTranspose1d(16, 1, 7, 2, 3, output_padding=1))

        def forward(self, x):
            return self.dec(self.enc(x[:, None, :]))[:, 0, : x.shape[1]]

    return Conv()


def window_errors(kind, y, train, m, steps=2000, batch=256):
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    W = np.lib.stride_tricks.sliding_window_view(y, m).astype(np.float32)
    train_windows = W[: max(1, train - m + 1)]
    net = network(kind, m)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    T = torch.from_numpy(np.ascontiguousarray(train_windows))
    for _ in range(steps):
        xb = T[torch.from_numpy(rng.integers(0, len(T), batch))]
        loss = ((net(xb) - xb) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    errors = []
    with torch.no_grad():
        for i in range(0, len(W), 8192):
            xb = torch.from_numpy(np.ascontiguousarray(W[i : i + 8192]))
            errors.append(((net(xb) - xb) ** 2).mean(1).numpy())
    return np.concatenate(errors)


def point_scores(kind, x, train, limit=100_000):
    n = len(x)
    f = int(np.ceil(n / limit))
    y = x[: n // f * f].reshape(-1, f).mean(1) if f > 1 else x
    tb = train // f
    y = (y - y[:tb].mean()) / (y[:tb].std() or 1)
    m = max(4, min(period(y[:tb]), tb // 3))
    e = window_errors(kind, y, tb, m)
    cs = np.concatenate([[0], np.cumsum(e)])
    i = np.arange(len(y))
    lo, hi = np.maximum(0, i - m + 1), np.minimum(len(e) - 1, i)
    s = np.repeat((cs[hi + 1] - cs[lo]) / (hi - lo + 1), f)
    return np.concatenate([s, np.full(n - len(s), s[-1])])


def ucr(kind, path, train, b, e):
    t = time.time()
    x = np.loadtxt(gzip.open(path)).astype(float)
    s = point_scores(kind, x, train)
    lab = np.zeros(len(x))
    lab[b - 1 : e] = 1
    top = train + int(np.argmax(s[train:])) + 1
    return {"solved": bool(b - 100 <= top <= e + 100),
            "auroc": float(roc_auc_score(lab[train:], s[train:])), "seconds": time.time() - t}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--offset", type=int, default=0)
    ap.add_argument("--model", choices=["dense", "conv"], default="dense")
    a = ap.parse_args()
    root = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "datasets", "ucr-anomaly")
    rows = []
    for path in sorted(glob.glob(os.path.join(root, "*.txt.gz")))[a.offset :: a.every]:
        train, b, e = map(int, re.match(r".*_(\d+)_(\d+)_(\d+)\.txt\.gz$", path).groups())
        r = ucr(a.model, path, train, b, e)
        rows.append(r)
        print(os.path.basename(path), r, flush=True)
    print(f"| window AE ({a.model}) | ucr | {len(rows)} | {sum(r['solved'] for r in rows)}/{len(rows)} | "
          f"{np.mean([r['auroc'] for r in rows]):.3f} |")
