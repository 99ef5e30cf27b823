#!/usr/bin/env bash
# Fuzz/sanitize.sh [address|thread]... — runs the kernels' and readers' tests under
# AddressSanitizer and the multithreaded kernels' tests under ThreadSanitizer (both by
# default), each in its own scratch path so the normal .build is left alone.
#
# Exits non-zero on a test failure or a sanitizer report. See Fuzz/README.md for what
# each subset covers and why leak checking is off here (it is on in the fuzz targets).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"
export SWIFT_BACKTRACE=enable=no
# The library and the CLI only (Package.swift): latent-server and its HTTP and gRPC
# dependencies are not under test here, and would cost minutes per sanitized build.
export LATENT_LIBRARY_ONLY=1

# Readers (every format, hostile inputs included), model files, detector directories and
# streamed scoring input, the engine's kernels (elementwise, broadcasting, reductions,
# convolutions, threading), layers, training.
address_tests='LatentTests\.(CSVFileTests|CSVFileLineLengthTests|CheckpointHostileTests|GzipTests|IDXFileTests|NPYFileTests|DatasetTests|SafeTensors[A-Za-z]*Tests|ModelFile[A-Za-z]*Tests|AnomalyDetector[A-Za-z]*Tests|ScoreStreamTests|DetectorDataTests|KernelTests|ConvolutionKernelTests|TensorOpsTests|FloatModeTests|ThreadingDeterminismTests|RowInvariantGEMMTests|DenseDistanceTests|RowBlocksTests|BatchShardsTests|TeamTests|TransposedBPackingTests|AvailableCPUsTests|LayerGradientTests|GradientCheckTests|OptimizerTests|TrainerTests)/'
# Everything that runs Engine.parallelFor / parallelChunks on 2 threads: elementwise and
# broadcast kernels, direct convolutions and their pullbacks, fused Adam, training, the
# row-invariant GEMM's and dense distance's row blocks, data-parallel shards, the helper team
# (parts claimed by any thread, the parked caller), the measured thread choice.
thread_tests='LatentTests\.(KernelTests|ConvolutionKernelTests|TensorOpsTests|FloatModeTests|ThreadingDeterminismTests|RowInvariantGEMMTests|DenseDistanceTests|RowBlocksTests|BatchShardsTests|TeamTests|MeasuredThreadChoiceTests|AvailableCPUsTests|OptimizerTests|TrainerTests)/'

# XCTest on Linux keeps test cases alive past exit and Foundation leaks a 4 KiB buffer per
# empty file read (lsan.supp), so leak checking stays with the fuzz targets.
export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

kinds=("$@")
[ ${#kinds[@]} -eq 0 ] && kinds=(address thread)
for kind in "${kinds[@]}"; do
    case $kind in
        address) scratch=.build-asan filter=$address_tests ;;
        thread) scratch=.build-tsan filter=$thread_tests ;;
        *) echo "usage: Fuzz/sanitize.sh [address|thread]..." >&2; exit 2 ;;
    esac
    echo "== swift test --sanitize=$kind ($scratch)"
    start=$(date +%s)
    set +e
    # A failed build must stop here: the tests below would otherwise run stale binaries.
    swift build --build-tests --sanitize="$kind" --scratch-path "$scratch" 2>&1 \
        | grep -vE '^\[[0-9]+/[0-9]+\]|ld.gold: warning: Cannot export local symbol'
    status=${PIPESTATUS[0]}
    if [ "$status" -ne 0 ]; then
        echo "== --sanitize=$kind: the build failed (exit $status)"
        exit "$status"
    fi
    swift test --skip-build --sanitize="$kind" --scratch-path "$scratch" --filter "$filter" 2>&1 \
        | grep --line-buffered -vE "^Test Case '.*' (started|passed)"
    status=${PIPESTATUS[0]}
    set -e
    echo "== --sanitize=$kind: exit $status after $(($(date +%s) - start)) s"
    [ "$status" -eq 0 ] || exit "$status"
done
