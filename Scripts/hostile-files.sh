#!/usr/bin/env bash
# Scripts/hostile-files.sh — feeds hostile files to the release `latent` and checks that
# each is refused cleanly.
#
# Scripts/hostile_files.py writes the files into a temporary directory: truncated and
# corrupt gzip, a gzip bomb, IDX and npy headers whose sizes overflow, CSV, npy and npz
# with NaN or infinite values, ragged rows, a 300 MB line without newline, binary garbage,
# an empty file, a directory instead of a file; and copies of a good detector with a
# `../` path, deeply nested JSON, a model whose shapes do not fit, and safetensors weights
# with a header length near 2^64, overlapping offsets or an overflowing shape; copies of a signal detector with views,
# divisors, scaling or block size that do not agree, or a ragged or truncated reference.
# Each data file goes to
# `latent detector fit --data` and `latent detector score --input`; each detector to
# `latent detector score`. A case passes when the exit status is non-zero and below 128
# (an error, not a signal), standard error names the bad file, and peak RSS (from
# /usr/bin/time) stays under MAX_RSS_MB (default 200). Prints a table; exits 1 if any
# case fails. About a minute after the release build.
#
# Usage: Scripts/hostile-files.sh            (LATENT=path/to/latent to skip the build)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
max_rss_mb=${MAX_RSS_MB:-200}
if [ -z "${LATENT:-}" ]; then
    swift build -c release --product latent > /tmp/hostile-files-build.log 2>&1 \
        || { tail -20 /tmp/hostile-files-build.log >&2; exit 1; }
    LATENT=$(swift build -c release --show-bin-path)/latent
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A good detector on 12 features to score against and to copy into hostile ones.
python3 - "$work/good.csv" <<'EOF'
import math, sys
with open(sys.argv[1], "w") as f:
    for i in range(300):
        f.write(",".join(f"{math.sin(j * 0.5 + i * 0.1):.4f}" for j in range(12)) + "\n")
EOF
"$LATENT" detector fit --data "$work/good.csv" --out "$work/good" --epochs 5 --quiet > /dev/null 2>&1
"$LATENT" detector fit --data "$work/good.csv" --out "$work/near" --quiet > /dev/null 2>&1
# A signal detector: one channel, a 40-row period, trained on the first 1500 rows.
python3 -c 'import math; print("\n".join(f"{math.sin(t * math.pi / 20) + 0.3 * math.sin(t * math.pi / 10):.4f}" for t in range(2000)))' \
    > "$work/wave.txt"
"$LATENT" detector fit --data "$work/wave.txt" --signal --train-rows 1500 --out "$work/signal" > /dev/null 2>&1
python3 Scripts/hostile_files.py "$work/cases" "$work/good" "$work/near" "$work/signal" > "$work/cases.tsv"

failures=0
printf '%-8s %-24s %-6s %6s %6s  %s\n' command case status rss_MB names result
run() { # run COMMAND CASE MUST_NAME ARGS...
    local command=$1 name=$2 must=$3
    shift 3
    local status=0
    /usr/bin/time -f %M -o "$work/rss" "$LATENT" "$@" > /dev/null 2> "$work/stderr" || status=$?
    local rss_kb
    rss_kb=$(tail -1 "$work/rss")
    local rss_mb=$((rss_kb / 1024)) names=no result=ok
    grep -aqF -- "$must" "$work/stderr" && names=yes
    if [ "$status" -eq 0 ] || [ "$status" -ge 128 ]; then result="FAIL: exit $status"; fi
    [ "$names" = yes ] || result="FAIL: stderr does not name $must"
    [ "$rss_mb" -lt "$max_rss_mb" ] || result="FAIL: peak RSS ${rss_mb} MB"
    if [ "$result" != ok ]; then
        failures=$((failures + 1))
        result="$result — $(head -c 300 "$work/stderr" | tr '\n' ' ')"
    else
        # The start of the message after the file's path, to see what was refused.
        result="ok: $(grep -aF -- "$must" "$work/stderr" | head -1 | sed "s|.*$must[^:]*: *||" | cut -c1-70)"
    fi
    printf '%-8s %-24s %-6s %6s %6s  %s\n' "$command" "$name" "$status" "$rss_mb" "$names" "$result"
}
while IFS=$'\t' read -r kind name path must; do
    if [ "$kind" = data ]; then
        run fit "$name" "$must" detector fit --data "$path" --out "$work/out-$name" --epochs 2 --quiet
        run score "$name" "$must" detector score "$work/good" --input "$path"
    elif [ "$kind" = signal ]; then
        run score "$name" "$must" detector score "$path" --input "$work/wave.txt"
    else
        run score "$name" "$must" detector score "$path" --input "$work/good.csv"
    fi
done < "$work/cases.tsv"
total=$(($(grep -c '^data' "$work/cases.tsv") * 2 + $(grep -c -E '^(detector|signal)' "$work/cases.tsv")))
echo "$((total - failures)) of $total cases refused cleanly (non-zero exit < 128, file named, peak RSS < ${max_rss_mb} MB)"
[ "$failures" -eq 0 ]
