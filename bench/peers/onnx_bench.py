"""Scoring of the dense `latent bench` workloads in ONNX Runtime: the PyTorch model of
torch_bench.py with its per-row score (mean squared error; mean absolute error for
ecg-ae) exported to ONNX, then run by an InferenceSession with `--threads` intra-op
threads (inter-op 1, sequential execution) in batches of 4096, as `latent bench` scores.
Training is not timed (trainSamplesPerSecond is 0): ONNX Runtime is an inference engine.

usage: python onnx_bench.py WORKLOAD [--threads N] [--epochs N]   (fashion-ae, ecg-ae, mnist-vae)
"""
import os
import tempfile
import warnings

import numpy as np
import onnxruntime as ort
import torch
from torch import nn

from common import SAMPLES, SCORING_BATCH, emit, parse_args, time_scoring
from torch_bench import build, glorot


class Scored(nn.Module):
    """The model and its anomaly score per row, so the whole scoring runs inside ONNX Runtime."""

    def __init__(self, model, absolute):
        super().__init__()
        self.model, self.absolute = model, absolute

    def forward(self, x):
        d = self.model(x) - x
        d = d.abs() if self.absolute else d * d
        return d.flatten(1).mean(dim=1)


def main():
    args = parse_args()
    w, n = args.workload, SAMPLES[args.workload]
    if w not in ("fashion-ae", "ecg-ae", "mnist-vae"):
        raise SystemExit(f"onnx_bench: scoring of {w} is not exported (dense workloads only)")
    torch.manual_seed(0)
    model, shape = build(w)
    glorot(model)
    scored = Scored(model, absolute=(w == "ecg-ae")).eval()
    x = torch.rand((n,) + shape)
    path = os.path.join(tempfile.mkdtemp(), f"{w}.onnx")
    warnings.simplefilter("ignore")  # the legacy exporter's deprecation notice
    torch.onnx.export(scored, (x[:SCORING_BATCH],), path, input_names=["x"], output_names=["score"],
                      dynamic_axes={"x": {0: "n"}, "score": {0: "n"}}, dynamo=False)
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    xs = x.numpy()
    batches = [np.ascontiguousarray(xs[s:s + SCORING_BATCH]) for s in range(0, n, SCORING_BATCH)]

    def score_pass():
        for xb in batches:
            float(session.run(None, {"x": xb})[0][0])

    passes, seconds = time_scoring(score_pass)
    emit("onnxruntime", w, args.threads, args.epochs, float("inf"), 0.0, passes, seconds)


if __name__ == "__main__":
    main()
