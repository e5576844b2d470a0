#!/usr/bin/env bash
# Relevance side by side: ibasho vs Groonga 13 (TokenBigram, TokenMecab) vs SQLite FTS5 trigram,
# on the dev query set and the real corpus. Writes bench/results/relevance-<date>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh >/dev/null
out="bench/results/relevance-$(date -u +%Y%m%d-%H%M).md"
build/bench/relevance_bench --out="$out" "$@"
echo "written: $out"
