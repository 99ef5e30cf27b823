"""The five `latent bench` workloads in PyTorch: same shapes, batch sizes, optimizer
(Adam, lr 1e-3, betas 0.9/0.999, eps 1e-7), Glorot-uniform init with zero biases, one
warm-up epoch, then timed epochs; scoring in batches of 4096 without gradients.

usage: python torch_bench.py WORKLOAD [--threads N] [--epochs N]
"""
import time

import torch
from torch import nn

from common import BATCH, SAMPLES, SCORING_BATCH, emit, parse_args, peak_rss_mb, time_scoring


def glorot(module):
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return module


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU())
        self.mu, self.logsd = nn.Linear(64, 8), nn.Linear(64, 8)
        self.dec = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 784), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28)))

    def forward(self, x):
        return self.dec(self.mu(self.enc(x)))

    def loss(self, x):
        h = self.enc(x)
        mu, s = self.mu(h), self.logsd(h)
        z = mu + torch.exp(s) * torch.randn_like(mu)
        kl = (0.5 * (mu * mu + torch.exp(2 * s) - 1) - s).mean()
        return nn.functional.mse_loss(self.dec(z), x) + 5e-4 * kl


def build(workload):
    if workload == "fashion-ae":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 784), nn.Sigmoid(),
                             nn.Unflatten(1, (1, 28, 28))), (1, 28, 28)
    if workload == "fashion-denoise":
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 8, 3, stride=2, padding=1), nn.ReLU(),
            nn.ConvTranspose2d(8, 8, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(8, 16, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.Conv2d(16, 1, 3, padding=1), nn.Sigmoid()), (1, 28, 28)
    if workload == "ecg-ae":
        return nn.Sequential(nn.Linear(140, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 8), nn.ReLU(),
                             nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 140), nn.Sigmoid()), (140,)
    if workload == "mnist-vae":
        return VAE(), (1, 28, 28)
    if workload == "lenet":
        return nn.Sequential(nn.Conv2d(1, 10, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(10, 20, 5), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(320, 150), nn.ReLU(), nn.Linear(150, 1), nn.Sigmoid()), (1, 28, 28)
    raise SystemExit(f"unknown workload {workload}")


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    torch.manual_seed(0)
    w, n, batch = args.workload, SAMPLES[args.workload], BATCH[args.workload]
    model, shape = build(w)
    glorot(model)
    x = torch.rand((n,) + shape)
    y = torch.rand((n, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)

    def loss_of(idx):
        xb = x[idx]
        if w == "mnist-vae":
            return model.loss(xb)
        if w == "lenet":
            return nn.functional.binary_cross_entropy(model(xb), y[idx])
        if w == "ecg-ae":
            return nn.functional.l1_loss(model(xb), xb)
        return nn.functional.mse_loss(model(xb), xb)

    def epoch():
        order = torch.randperm(n)
        for start in range(0, n, batch):
            optimizer.zero_grad(set_to_none=True)
            loss = loss_of(order[start:start + batch])
            loss.backward()
            optimizer.step()

    epoch()  # warm-up
    start = time.perf_counter()
    for _ in range(args.epochs):
        epoch()
    train_seconds = time.perf_counter() - start
    train_peak = peak_rss_mb()

    def score_pass():
        with torch.no_grad():
            for s in range(0, n, SCORING_BATCH):
                xb = x[s:s + SCORING_BATCH]
                out = model(xb)
                if w == "lenet":
                    score = out[:, 0]
                elif w == "ecg-ae":
                    score = (out - xb).abs().mean(dim=1)
                else:
                    score = ((out - xb) ** 2).flatten(1).mean(dim=1)
                float(score[0])

    passes, seconds = time_scoring(score_pass)
    emit("pytorch", w, args.threads, args.epochs, train_seconds, train_peak, passes, seconds)


if __name__ == "__main__":
    main()
