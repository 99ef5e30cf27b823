#!/usr/bin/env bash
# Runs `latent bench` (at its default thread count and at --threads 1) and the PyTorch,
# Keras and ONNX Runtime versions of the same workloads one after another on this machine
# and prints one table per condition (medians over --repeats runs).
#
#   bench/compare.sh --install            # create the venv (pip: torch, tensorflow-cpu, onnxruntime)
#   bench/compare.sh [--threads N] [--epochs 2] [--repeats 3] [--workload NAME|all] [CONDITION]
#
# CONDITION (one table each; default quiet):
#   --quiet       nothing else started
#   --busy        one `nice -n 19` busy loop pinned to each CPU beside every run
#   --one-cpu     every run under `taskset -c 0`
#   --contended   --quiet, then --busy
#   --all-conditions   all three
# --threads N passes N to every run (Latent's default is LATENT_THREADS, else the CPUs
# available; the peers get 2). Each table starts with the condition, the load average
# and the CPU. VENV (default bench/.venv) is the virtual environment; the peers stay out of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-bench/.venv}
case "$VENV" in /*) ;; *) VENV="$PWD/$VENV" ;; esac
threads="" epochs=2 repeats=3 workload=all install=0 conditions=quiet
while [ $# -gt 0 ]; do
    case "$1" in
        --install) install=1 ;;
        --threads) threads=$2; shift ;;
        --epochs) epochs=$2; shift ;;
        --repeats) repeats=$2; shift ;;
        --workload) workload=$2; shift ;;
        --quiet) conditions=quiet ;;
        --busy) conditions=busy ;;
        --one-cpu) conditions=one-cpu ;;
        --contended) conditions="quiet busy" ;;
        --all-conditions) conditions="quiet busy one-cpu" ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

if [ "$install" = 1 ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --upgrade pip
    "$VENV/bin/pip" install numpy torch tensorflow-cpu onnx onnxruntime
    exit 0
fi

swift build -c release --product latent >&2
# The vCPUs' distance (bench/vcpu_round_trip.c): a host may move them between a shared
# L3 and different dies, which changes every two-thread number; each table prints it.
round_trip_bin=$(mktemp)
round_trip() { [ -x "$round_trip_bin" ] && "$round_trip_bin" || echo "n/a"; }
cc -O2 -pthread bench/vcpu_round_trip.c -o "$round_trip_bin" 2>/dev/null || rm -f "$round_trip_bin"
workloads=$([ "$workload" = all ] && echo "fashion-ae fashion-denoise ecg-ae mnist-vae lenet" || echo "$workload")
peer_threads=${threads:-2}
latent_threads=()
[ -n "$threads" ] && latent_threads=(--threads "$threads")
cpus=$(nproc --all)

busy_pids=()
stop_busy() {
    for p in "${busy_pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${busy_pids[@]}"; do wait "$p" 2>/dev/null || true; done
    busy_pids=()
}
trap 'stop_busy; rm -f "$round_trip_bin"' EXIT

for condition in $conditions; do
    trip_before=$(round_trip)
    prefix=()
    case "$condition" in
        busy)
            for c in $(seq 0 $((cpus - 1))); do
                taskset -c "$c" nice -n 19 sh -c 'while :; do :; done' &
                busy_pids+=($!)
            done ;;
        one-cpu) prefix=(taskset -c 0) ;;
    esac
    out=$(mktemp -d)
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    for r in $(seq "$repeats"); do
        for w in $workloads; do
            echo "$condition, run $r: $w" >&2
            "${prefix[@]}" .build/release/latent bench --workload "$w" "${latent_threads[@]}" --epochs "$epochs" \
                --json "$out/latent-$w-$r.json" >&2
            "${prefix[@]}" .build/release/latent bench --workload "$w" --threads 1 --epochs "$epochs" \
                --json "$out/latent1-$w-$r.json" >&2
            if [ -x "$VENV/bin/python" ]; then
                for peer in torch keras onnx; do
                    case "$peer $w" in "onnx fashion-denoise" | "onnx lenet") continue ;; esac
                    (cd bench/peers && "${prefix[@]}" "$VENV/bin/python" "${peer}_bench.py" "$w" --threads "$peer_threads" \
                        --epochs "$epochs") > "$out/$peer-$w-$r.json" 2>/dev/null || echo "$peer $w failed" >&2
                done
            fi
        done
    done
    stop_busy
    trip_after=$(round_trip)
    cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') (family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | tr -d ' '))"
    title="Condition: $condition ($([ "$condition" = busy ] && echo "one nice -n 19 busy loop per CPU, " || true)$([ "$condition" = one-cpu ] && echo "taskset -c 0, " || true)load average before: $load; $cpus CPUs, $cpu; vCPU round trip before / after: $trip_before / $trip_after; $repeats repeats, $epochs epochs)"
    python3 bench/table.py "$out" "$title"
    echo "(raw results in $out)" >&2
    echo
done
