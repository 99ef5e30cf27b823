#!/usr/bin/env bash
# Fuzz/run.sh [SECONDS] — builds every fuzz target and runs each for SECONDS (default 30).
#
# Exits non-zero when any target crashes (or trips AddressSanitizer, a malloc beyond
# -malloc_limit_mb, a timeout, or a target's own checks); the input that did it is left in
# Fuzz/out/crashes/<target>/. Installs nothing: when the toolchain lacks the libFuzzer
# runtime it says so and exits 0. See Fuzz/README.md.
#
# Environment:
#   FUZZ_TARGETS  space-separated subset of the targets (default: all)
#   FUZZ_CONFIG   debug (default; builds in about 1.5 min) or release (builds in about
#                 4 min, runs several times faster: use it for long runs)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
config=${FUZZ_CONFIG:-debug}
all_targets="idx-raw idx-gzip csv tsv npy npz safetensors model-json detector-json stream-line checkpoint"
read -r -a targets <<< "${FUZZ_TARGETS:-$all_targets}"
scratch=.build-fuzz-$config
out=Fuzz/out
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"
# A trap must reach libFuzzer's crash handler, not Swift's backtracer (whose memory
# reader trips AddressSanitizer); known leaks outside Latent are listed in lsan.supp.
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp:print_suppressions=0"

# Each target's sources, beside Support.swift.
sources() {
    case $1 in
        idx-raw) echo IDXCommon.swift IDXRaw.swift ;;
        idx-gzip) echo IDXCommon.swift IDXGzip.swift ;;
        csv) echo CSVCommon.swift CSV.swift ;;
        tsv) echo CSVCommon.swift TSV.swift ;;
        npy) echo NPY.swift ;;
        npz) echo NPZ.swift ;;
        safetensors) echo SafeTensors.swift ;;
        model-json) echo ModelJSON.swift ;;
        detector-json) echo DetectorFixture.swift DetectorJSON.swift ;;
        stream-line) echo DetectorFixture.swift StreamLine.swift ;;
        checkpoint) echo Checkpoint.swift ;;
        *) echo "unknown fuzz target '$1' (targets: $all_targets)" >&2; exit 2 ;;
    esac
}

# libFuzzer ships in the toolchain's clang resource directory; without it, skip.
toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swiftc)")")")
if ! compgen -G "$toolchain/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" > /dev/null \
    && ! compgen -G "$toolchain/lib/swift/clang/lib/linux/libclang_rt.fuzzer-*.a" > /dev/null; then
    echo "Fuzz/run.sh: this Swift toolchain ($toolchain) has no libFuzzer runtime" \
        "(libclang_rt.fuzzer-*.a); skipping fuzzing." >&2
    exit 0
fi

echo "== building Latent with -sanitize=fuzzer,address ($config, $scratch)"
build=(swift build -c "$config" --target Latent --scratch-path "$scratch"
    -Xswiftc -sanitize=fuzzer,address)
mkdir -p "$out/logs"
if ! "${build[@]}" > "$out/logs/build.log" 2>&1; then
    tail -30 "$out/logs/build.log" >&2
    echo "Fuzz/run.sh: the library build failed (log: $out/logs/build.log)" >&2
    exit 1
fi
lib=$("${build[@]}" --show-bin-path)

mkdir -p "$scratch/fuzz"
optimize=-Onone
[ "$config" = release ] && optimize=-O
for t in "${targets[@]}"; do
    files=()
    for f in Support.swift $(sources "$t"); do files+=("Fuzz/Targets/$f"); done
    echo "== linking $t"
    swiftc -sanitize=fuzzer,address -parse-as-library "$optimize" -g -use-ld=lld \
        -module-name "Fuzz_${t//-/_}" -I "$lib/Modules" \
        -Xcc -fmodule-map-file=Sources/COpenBLAS/module.modulemap \
        -Xcc -fmodule-map-file=Sources/CZlib/module.modulemap \
        -Xcc -fmodule-map-file="$lib/CLatentKernels.build/module.modulemap" \
        -Xcc -fmodule-map-file="$lib/CLatentSystem.build/module.modulemap" \
        -I Sources/CLatentKernels/include -I Sources/CLatentSystem/include $(pkg-config --cflags-only-I openblas) \
        "${files[@]}" "$lib"/Latent.build/*.o "$lib"/CLatentKernels.build/*.o "$lib"/CLatentSystem.build/*.o \
        $(pkg-config --libs openblas zlib) -o "$scratch/fuzz/$t"
done

echo "== seeding"
Fuzz/seed.sh "$out/seeds"
# The model-json, detector-json and checkpoint seeds are written by the targets themselves, to match
# the files they make.
for t in model-json detector-json checkpoint; do
    case " ${targets[*]} " in *" $t "*) ;; *) continue ;; esac
    LATENT_FUZZ_SEEDS="$out/seeds/$t" "$scratch/fuzz/$t" -runs=0 \
        -artifact_prefix="$out/logs/seeding-" > /dev/null 2>&1 \
        || echo "warning: could not write the $t seeds" >&2
done

failed=()
summary=()
for t in "${targets[@]}"; do
    corpus=$out/corpus/$t crashes=$out/crashes/$t log=$out/logs/$t.log
    mkdir -p "$corpus" "$crashes" "$out/logs"
    echo "== fuzzing $t for ${seconds}s (corpus $corpus)"
    # Inputs are at most 64 KiB, so 256 MiB in one allocation can only be sized by a header
    # (the gzip target's legitimate worst case is 1032 × 64 KiB = 66 MiB).
    dict=()
    case $t in model-json|detector-json|checkpoint) dict=(-dict=Fuzz/json.dict) ;; esac
    set +e
    "$scratch/fuzz/$t" "${dict[@]}" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
        -malloc_limit_mb=256 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$crashes/" "$corpus" "$out/seeds/$t" > "$log" 2>&1
    status=$?
    set -e
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    if [ "$status" -ne 0 ]; then
        failed+=("$t")
        summary+=("$(printf '%-12s %10s runs %7s/s  FAILED (exit %d): see %s and %s' \
            "$t" "${runs:-?}" "${rate:-?}" "$status" "$log" "$crashes")")
        grep -E '^(==[0-9]+==ERROR|SUMMARY|Fatal error|.*Fatal error)' "$log" | head -5 >&2 || true
    else
        summary+=("$(printf '%-12s %10s runs %7s/s  ok' "$t" "${runs:-?}" "${rate:-?}")")
    fi
done

echo "== fuzzing summary ($config build, ${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "Fuzz/run.sh: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
    exit 1
fi
