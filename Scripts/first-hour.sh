#!/usr/bin/env bash
# Repeats the newcomer mistakes of issue 17 with a `latent` binary and prints each command's
# exit status and messages: `Scripts/first-hour.sh path/to/latent [work-dir]`.
set -u
L=${1:?usage: first-hour.sh LATENT [WORKDIR]}
W=${2:-$(mktemp -d)}
mkdir -p "$W" && cd "$W" || exit 1
python3 - <<'PY'
import math
rows = []
for i in range(300):
    anomalous = i % 6 == 5
    cells = ["%.4f" % (math.sin((i * 7 + j) * 0.3) + (3 if anomalous and j == 2 else 0)) for j in range(8)]
    cells.append("0" if anomalous else "1")
    rows.append(cells)
open("ecg.csv", "w").write("\n".join(",".join(r) for r in rows) + "\n")
open("ecg.tsv.csv", "w").write("\n".join("\t".join(r) for r in rows) + "\n")
open("ecg.semi.csv", "w").write("\n".join(";".join(r) for r in rows) + "\n")
PY
run() { echo "\$ latent $*"; "$L" "$@" > out.txt 2> err.txt; s=$?; head -c 1500 err.txt; echo "[stdout: $(wc -c < out.txt) bytes; stderr: $(wc -c < err.txt) bytes; exit $s]"; echo; }
rm -rf det det2 det3
echo "== 1. label column forgotten"
run detector fit --data ecg.csv --out det --epochs 3 --quiet
echo "== 2. wrong delimiter"
run detector fit --data ecg.tsv.csv --out det2 --label-column 8 --normal-label 1 --epochs 3 --quiet
run detector fit --data ecg.tsv.csv --out det2 --format csv --label-column 8 --normal-label 1 --epochs 3 --quiet
run detector fit --data ecg.semi.csv --out det2 --format csv --label-column 8 --normal-label 1 --epochs 3 --quiet
run detector fit --data ecg.tsv.csv --out det2 --format csv --label-column 0 --normal-label 1 --epochs 3 --quiet
echo "== 3. --label-column last"
run detector fit --data ecg.csv --out det3 --label-column last --normal-label 1 --epochs 3 --quiet
echo "== 4/5. evaluate on the training file, without --normal-label"
"$L" detector fit --data ecg.csv --out det --label-column 8 --normal-label 1 --epochs 3 --quiet > /dev/null 2>&1
run detector evaluate det --data ecg.csv
cat out.txt
run detector evaluate det --data ecg.csv --normal-label 1 --out det-eval2
cat out.txt
echo "== 7. a lesson's output is not a detector"
mkdir -p runs/ecg-anomaly-x && echo '{"lesson": "ecg-anomaly"}' > runs/ecg-anomaly-x/metrics.json
run detector score runs/ecg-anomaly-x --input ecg.csv
echo "== write error"
run detector score det --input ecg.csv --output no/such/dir/scores.csv
echo "== threshold command error wording"
"$L" detector fit --data ecg.csv --out det-none --label-column none --epochs 3 --quiet > /dev/null 2>&1
run detector threshold det-none --rule youden
echo "== NaN cell"
sed '3s/^[^,]*/nan/' ecg.csv > nan.csv
run detector fit --data nan.csv --out det4 --label-column 8 --normal-label 1 --epochs 3
echo "== label index out of range"
run detector fit --data ecg.csv --out det4 --label-column 12 --normal-label 1 --epochs 3
echo "== missing dataset"
run example mnist-anomaly --quick --data-dir "$W/empty"
