#!/usr/bin/env bash
# The Spark job against `latent detector score` on one machine, row for row, on local[2].
#
#   integrations/spark/test_spark.sh [ROWS]     # default 4998 (the bundled ECG rows once)
#
# Fits a small ECG detector, scores ROWS rows with the CLI (`--fdr 0.1` over the whole
# file), runs the job on the same rows as CSV and as Parquet, and fails on any difference
# (check_spark.py). pyspark goes into a virtual environment ($LATENT_SPARK_VENV, default
# /tmp/latent-spark-venv, reused when present). The binary is $LATENT_BIN, else the newest
# of .build/debug/latent and .build/release/latent, else a fresh debug build.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rows="${1:-4998}"
venv="${LATENT_SPARK_VENV:-/tmp/latent-spark-venv}"
pyspark_version="3.5.9"

command -v java >/dev/null || { echo "test_spark: java not found (Spark needs Java 17: apt-get install openjdk-17-jre-headless)" >&2; exit 1; }
if ! "$venv/bin/python" -c "import pyspark; assert pyspark.__version__ == '$pyspark_version'" 2>/dev/null; then
    echo "test_spark: installing pyspark $pyspark_version into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "pyspark==$pyspark_version"
fi

if [ -z "${LATENT_BIN:-}" ]; then
    # The newest build there is (CI: the debug build `swift test` just made); a no-op
    # `swift build` alone costs ~25 s, so it only runs when there is none.
    LATENT_BIN="$(ls -t "$root"/.build/{debug,release}/latent 2>/dev/null | head -n 1 || true)"
    if [ -z "$LATENT_BIN" ]; then
        (cd "$root" && swift build --product latent >/dev/null)
        LATENT_BIN="$(cd "$root" && swift build --show-bin-path)/latent"
    fi
fi
[ -x "$LATENT_BIN" ] || { echo "test_spark: no latent binary at $LATENT_BIN" >&2; exit 1; }

work="$(mktemp -d /tmp/latent-spark-test.XXXXXX)"
trap 'rm -rf "$work"' EXIT
# ROWS rows: the bundled ECG beats (label in the last column) repeated as needed.
gunzip -c "$root/Sources/Latent/Resources/ecg5000/ecg.csv.gz" > "$work/ecg.csv"
: > "$work/rows.csv"
while [ "$(wc -l < "$work/rows.csv")" -lt "$rows" ]; do cat "$work/ecg.csv" >> "$work/rows.csv"; done
head -n "$rows" "$work/rows.csv" > "$work/input.csv"

# A deliberately small detector (2 epochs): the test is about equality, not quality.
"$LATENT_BIN" detector fit --data "$work/ecg.csv" --label-column 140 --normal-label 1 \
    --epochs 2 --hidden 16,8 --out "$work/det" --quiet >/dev/null 2>&1
"$LATENT_BIN" detector score "$work/det" --input "$work/input.csv" --fdr 0.1 > "$work/cli.csv"
# Equality proves nothing about the global Benjamini–Hochberg step if nothing is discovered,
# nor about the threshold if nothing is flagged: both must occur in the expected output.
counts=$(python3 - "$work/cli.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
true = lambda v: v.strip().lower() in ("true", "1")
print(sum(true(r["discovery"]) for r in rows), sum(true(r["anomaly"]) for r in rows), len(rows))
EOF
)
read -r discoveries flagged total <<< "$counts"
echo "test_spark: the CLI flags $flagged and discovers $discoveries (BH at 0.1) of $total rows"
if [ "$discoveries" -eq 0 ] || [ "$flagged" -eq 0 ] || [ "$discoveries" -eq "$total" ]; then
    echo "test_spark: the expected output has no discoveries, no flagged rows or only discoveries; the comparison would prove nothing" >&2
    exit 1
fi

export PATH="$venv/bin:$PATH"
# (Few shuffle partitions: the check's joins are over a few thousand rows.)
spark-submit --master 'local[2]' --conf spark.log.level=WARN --driver-memory 2g \
    --conf spark.sql.shuffle.partitions=4 \
    "$here/check_spark.py" --expected "$work/cli.csv" --rows "$work/input.csv" --fdr 0.1 \
    --binary "$LATENT_BIN" --detector "$work/det" --work "$work" 2>&1 |
    grep -vE ' (WARN|INFO) |^\s*$'
exit "${PIPESTATUS[0]}"
