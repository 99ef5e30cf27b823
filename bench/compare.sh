#!/usr/bin/env bash
# Runs `latent bench` and the PyTorch and Keras versions of the same workloads one after
# another on this machine and prints one table (medians over --repeats runs).
#
#   bench/compare.sh --install            # create the venv (pip: torch, tensorflow-cpu)
#   bench/compare.sh [--threads 2] [--epochs 2] [--repeats 3] [--workload NAME|all]
#
# VENV (default bench/.venv) is the virtual environment; the peers stay out of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-bench/.venv}
case "$VENV" in /*) ;; *) VENV="$PWD/$VENV" ;; esac
threads=2 epochs=2 repeats=3 workload=all install=0
while [ $# -gt 0 ]; do
    case "$1" in
        --install) install=1 ;;
        --threads) threads=$2; shift ;;
        --epochs) epochs=$2; shift ;;
        --repeats) repeats=$2; shift ;;
        --workload) workload=$2; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

if [ "$install" = 1 ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --upgrade pip
    "$VENV/bin/pip" install numpy torch tensorflow-cpu
    exit 0
fi

swift build -c release --product latent >&2
workloads=$([ "$workload" = all ] && echo "fashion-ae fashion-denoise ecg-ae mnist-vae lenet" || echo "$workload")
out=$(mktemp -d)
for r in $(seq "$repeats"); do
    for w in $workloads; do
        echo "run $r: $w" >&2
        .build/release/latent bench --workload "$w" --threads "$threads" --epochs "$epochs" --json "$out/latent-$w-$r.json" >&2
        if [ -x "$VENV/bin/python" ]; then
            (cd bench/peers && "$VENV/bin/python" torch_bench.py "$w" --threads "$threads" --epochs "$epochs") \
                > "$out/torch-$w-$r.json" 2>/dev/null || echo "pytorch $w failed" >&2
            (cd bench/peers && "$VENV/bin/python" keras_bench.py "$w" --threads "$threads" --epochs "$epochs") \
                > "$out/keras-$w-$r.json" 2>/dev/null || echo "keras $w failed" >&2
        fi
    done
done
python3 bench/table.py "$out"
echo "(raw results in $out)" >&2
