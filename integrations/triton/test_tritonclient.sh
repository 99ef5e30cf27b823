#!/usr/bin/env bash
# latent-server against NVIDIA's official Python clients from PyPI, tritonclient.http and
# tritonclient.grpc: health, readiness and metadata calls, then infer over HTTP with JSON
# and with binary tensors (the Triton binary tensor extension, tritonclient's default) and
# over gRPC with raw tensors (tritonclient's default), each compared bit for bit with
# `latent detector score` on the same rows; and the model repository RPCs over gRPC.
#
#   integrations/triton/test_tritonclient.sh
#
# tritonclient goes into a virtual environment ($LATENT_TRITON_VENV, default
# /tmp/latent-triton-venv, reused when present); it is never a dependency of the Swift
# product. The binaries are $LATENT_BIN_DIR, else the newest of .build/debug and
# .build/release holding both `latent` and `latent-server`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
name=test_tritonclient
source "$here/../lib.sh"
version="2.73.0"

latent_venv "${LATENT_TRITON_VENV:-/tmp/latent-triton-venv}" "tritonclient.http, tritonclient.grpc, numpy" \
    "tritonclient[http,grpc]==$version" numpy
venv="${LATENT_TRITON_VENV:-/tmp/latent-triton-venv}"
latent_binaries
latent_workdir

latent_fit_ecg 0 3 --seed 1
head -n 300 "$work/all.csv" > "$work/rows.csv"
"$LATENT_BIN_DIR/latent" detector score "$work/ecg" --input "$work/rows.csv" --output-format ndjson \
    --output "$work/cli.ndjson"
# The served model and a repository holding a copy, for the repository RPCs.
mkdir -p "$work/repository"
cp -r "$work/ecg" "$work/repository/beats"
latent_serve --grpc-port 0 --model-repository "$work/repository" "$work/ecg"

"$venv/bin/python" "$here/check_tritonclient.py" "127.0.0.1:$http_port" "127.0.0.1:$grpc_port" \
    "$work/rows.csv" "$work/cli.ndjson"
