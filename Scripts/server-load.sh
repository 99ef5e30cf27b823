#!/usr/bin/env bash
# Bounded load test of latent-server on loopback with wrk (Debian's `wrk` package).
#
#   Scripts/server-load.sh [SECONDS_PER_LEVEL] [ROWS_PER_REQUEST]
#
# Fits a small ECG5000 detector (140 features, 5 epochs), starts the release
# latent-server on 127.0.0.1:$PORT, then runs wrk for SECONDS (default 5) at 1, 16 and
# 64 connections (LEVELS="1 16 64" to change) with one V2 infer request of ROWS rows
# (default 1). Prints requests/s, p50/p99 latency, non-2xx/socket errors, the p99 of
# /v2/health/live probed by a second wrk (one connection) during the level, and the
# server's RSS after each level.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_LEVEL=${1:-5}
ROWS=${2:-1}
PORT=${PORT:-18080}
export PATH="/opt/swift/usr/bin:$PATH"
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 1; }

swift build -c release --product latent-server >/dev/null
swift build -c release --product latent >/dev/null
BIN=$(swift build -c release --show-bin-path)
WORK=$(mktemp -d)
trap 'kill "${SERVER:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

zcat Sources/Latent/Resources/ecg5000/ecg.csv.gz > "$WORK/ecg.csv"
"$BIN/latent" detector fit --data "$WORK/ecg.csv" --label-column 140 --normal-label 1 \
    --epochs 5 --out "$WORK/ecg" >/dev/null 2>&1

# One infer body with ROWS rows taken from the file.
python3 - "$WORK/ecg.csv" "$ROWS" > "$WORK/body.json" <<'PY'
import csv, json, sys
rows = [list(map(float, r[:140])) for r, _ in zip(csv.reader(open(sys.argv[1])), range(int(sys.argv[2])))]
print(json.dumps({"inputs": [{"name": "input", "shape": [len(rows), 140], "datatype": "FP32",
                              "data": [v for r in rows for v in r]}]}))
PY
cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$WORK/body.json"); wrk.body = f:read("*a"); f:close()
LUA

"$BIN/latent-server" --port "$PORT" "$WORK/ecg" > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/v2/health/ready" >/dev/null && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$SERVER/status"; }

# Warm up, then measure.
wrk -t1 -c4 -d1s -s "$WORK/post.lua" "http://127.0.0.1:$PORT/v2/models/ecg/infer" >/dev/null
echo "rows/request=$ROWS seconds/level=$SECONDS_PER_LEVEL  RSS after warm-up: $(rss)"
printf "%-6s %10s %10s %10s %8s %8s %12s  %s\n" conns req/s p50 p99 non2xx errors "health p99" "RSS after"
for c in ${LEVELS:-1 16 64}; do
    t=$(( c < 2 ? 1 : 2 ))
    wrk -t1 -c1 -d"${SECONDS_PER_LEVEL}s" --latency "http://127.0.0.1:$PORT/v2/health/live" > "$WORK/health.txt" &
    probe=$!
    out=$(wrk -t"$t" -c"$c" -d"${SECONDS_PER_LEVEL}s" --latency -s "$WORK/post.lua" \
        "http://127.0.0.1:$PORT/v2/models/ecg/infer")
    wait "$probe"
    hp99=$(awk '$1=="99%" {print $2}' "$WORK/health.txt")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1=="50%" {print $2}' <<<"$out")
    p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); non2xx=${non2xx:-0}
    errs=$(awk '/Socket errors/ {gsub(",", ""); print $4+$6+$8+$10}' <<<"$out"); errs=${errs:-0}
    printf "%-6s %10s %10s %10s %8s %8s %12s  %s\n" "$c" "$rps" "$p50" "$p99" "$non2xx" "$errs" "$hp99" "$(rss)"
done
kill -TERM "$SERVER"; wait "$SERVER" || true
echo "server log lines: $(wc -l < "$WORK/server.log"); last: $(tail -1 "$WORK/server.log")"
