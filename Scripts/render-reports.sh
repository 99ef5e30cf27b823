#!/usr/bin/env bash
# Renders the report of each --quick lesson run to PNG in headless Chromium at 1280 px wide,
# for looking at them as a newcomer would: `Scripts/render-reports.sh [LATENT] [DATA_DIR] [OUT]`.
# The SVG text check (no text outside its figure, no overlapping labels) runs in
# `swift test --filter ReportFiguresTests` without a browser; this script adds the pictures.
set -u
LATENT=${1:-.build/release/latent}
DATA=${2:-${LATENT_DATA:-$HOME/.cache/latent}}
OUT=${3:-reports-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
BROWSER=""
for candidate in chromium chromium-browser google-chrome google-chrome-stable headless_shell; do
    if command -v "$candidate" > /dev/null 2>&1; then BROWSER=$(command -v "$candidate"); break; fi
done
for lesson in demo fashion-ae fashion-denoise mnist-latent mnist-generate mnist-anomaly; do
    run="$OUT/$lesson"
    if [ "$lesson" = demo ]; then
        "$LATENT" demo --quick --quiet --out "$run" > /dev/null || { echo "$lesson: failed"; continue; }
    else
        "$LATENT" example "$lesson" --quick --quiet --data-dir "$DATA" --out "$run" > /dev/null \
            || { echo "$lesson: skipped (no data in $DATA?)"; continue; }
    fi
    if [ -z "$BROWSER" ]; then
        echo "$lesson: $run/report.html (Chromium not found: skipping the PNG render)"
        continue
    fi
    "$BROWSER" --headless --disable-gpu --no-sandbox --hide-scrollbars --window-size=1280,4000 \
        --screenshot="$run/report.png" "file://$(cd "$run" && pwd)/report.html" > /dev/null 2>&1 \
        && echo "$lesson: $run/report.png" || echo "$lesson: Chromium could not render $run/report.html"
done
