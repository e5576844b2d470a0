#!/usr/bin/env bash
# Speed, cold start, freshness, searching while writing, bulk import and memory, side by side with
# Groonga 13 (groonga -s and groonga-httpd, select + drilldown), SQLite FTS5 trigram (behind a
# minimal HTTP server) and nginx (a static JSON file).
#   bench/run_perf.sh [ACTIVITIES] [perf_bench flags…]     e.g. bench/run_perf.sh 100000
# Writes bench/results/perf-<size>-<date>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh --bench
bash scripts/build.sh >/dev/null
size=${1:-100000}
shift || true
out="bench/results/perf-$((size / 1000))k-$(date -u +%Y%m%d-%H%M).md"
build/bench/perf_bench --size="$size" --out="$out" "$@"
echo "written: $out"
