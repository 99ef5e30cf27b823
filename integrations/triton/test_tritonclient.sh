#!/usr/bin/env bash
# latent-server against NVIDIA's official Python client, tritonclient.http from PyPI:
# health, readiness and metadata calls, then infer with JSON and with binary tensors
# (the Triton binary tensor extension, tritonclient's default), compared bit for bit
# with `latent detector score` on the same rows.
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
venv="${LATENT_TRITON_VENV:-/tmp/latent-triton-venv}"
version="2.73.0"

if ! "$venv/bin/python" -c "import tritonclient.http, numpy" 2>/dev/null; then
    echo "test_tritonclient: installing tritonclient[http] into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "tritonclient[http]==$version" numpy
fi

if [ -z "${LATENT_BIN_DIR:-}" ]; then
    for dir in $(ls -td "$root"/.build/debug "$root"/.build/release 2>/dev/null); do
        if [ -x "$dir/latent" ] && [ -x "$dir/latent-server" ]; then LATENT_BIN_DIR="$dir"; break; fi
    done
fi
[ -n "${LATENT_BIN_DIR:-}" ] || { echo "test_tritonclient: build latent and latent-server first" >&2; exit 1; }

work="$(mktemp -d /tmp/latent-triton-test.XXXXXX)"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
gunzip -c "$root/Sources/Latent/Resources/ecg5000/ecg.csv.gz" > "$work/ecg.csv"
head -n 300 "$work/ecg.csv" > "$work/rows.csv"
"$LATENT_BIN_DIR/latent" detector fit --data "$work/ecg.csv" --label-column 140 --normal-label 1 \
    --epochs 3 --seed 1 --out "$work/ecg" >/dev/null 2>&1
"$LATENT_BIN_DIR/latent" detector score "$work/ecg" --input "$work/rows.csv" --output-format ndjson \
    --output "$work/cli.ndjson"

"$LATENT_BIN_DIR/latent-server" --port 0 "$work/ecg" 2> "$work/server.log" &
server=$!
port=""
for _ in $(seq 100); do
    port=$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$work/server.log" | grep -oE '[0-9]+$' || true)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "test_tritonclient: the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }

"$venv/bin/python" "$here/check_tritonclient.py" "127.0.0.1:$port" "$work/rows.csv" "$work/cli.ndjson"
