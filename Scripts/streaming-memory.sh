#!/usr/bin/env bash
# Scripts/streaming-memory.sh [ROWS] — streams ROWS rows (default 1,000,000) of ECG beats
# through `latent detector score --input -` and checks that resident memory stays flat:
# the peak RSS at ROWS rows may exceed the peak at 10,000 rows by at most SLACK_MB (default
# 16), and every row must come back as a record. CI runs it on the debug build
# (LATENT=path/to/latent skips the build); Scripts/detector-checks.sh does the same at
# three sizes on a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
slack_mb=${SLACK_MB:-16}
if [ -z "${LATENT:-}" ]; then
    swift build --product latent > /dev/null
    LATENT=$(swift build --show-bin-path)/latent
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gunzip -c Sources/Latent/Resources/ecg5000/ecg.csv.gz > "$work/ecg.csv"
"$LATENT" detector fit --data "$work/ecg.csv" --label-column 140 --normal-label 1 --epochs 2 \
    --hidden 16,8 --out "$work/det" --quiet > "$work/fit.log" 2>&1 || { cat "$work/fit.log" >&2; exit 1; }
cut -d, -f1-140 "$work/ecg.csv" > "$work/rows.csv"

# Peak RSS in kB and the records written, for n streamed rows.
stream() {
    set +o pipefail  # the row generator is cut off by head; the record count checks the scorer
    for _ in $(seq $(($1 / 4998 + 1))); do cat "$work/rows.csv"; done | head -n "$1" \
        | /usr/bin/time -f "%M" -o "$work/time" "$LATENT" detector score "$work/det" --input - > "$work/out.csv" 2> /dev/null
    set -o pipefail
    echo "$(cat "$work/time") $(($(wc -l < "$work/out.csv") - 1))"
}
read -r small_kb small_records <<< "$(stream 10000)"
start=$(date +%s)
read -r large_kb large_records <<< "$(stream "$rows")"
echo "streaming: 10000 rows → peak RSS $((small_kb / 1024)) MB; $rows rows → $((large_kb / 1024)) MB, $large_records records in $(($(date +%s) - start)) s"
[ "$small_records" -eq 10000 ] || { echo "error: $small_records records for 10000 rows" >&2; exit 1; }
[ "$large_records" -eq "$rows" ] || { echo "error: $large_records records for $rows rows" >&2; exit 1; }
if [ $((large_kb - small_kb)) -gt $((slack_mb * 1024)) ]; then
    echo "error: resident memory grew by $(((large_kb - small_kb) / 1024)) MB while streaming (allowed: $slack_mb MB)" >&2
    exit 1
fi
