#!/usr/bin/env bash
# Installs, builds and runs every check (CI runs this via .ci/run):
#   1. the fuzz targets, 20 s each from their seed corpora (scripts/fuzz.sh)
#   2. the suite under ASan + UBSan, the concurrency tests under TSan (scripts/sanitize.sh)
#   3. every test (unit, integration with the three real services on loopback, crash and soak
#      tests, relevance check, performance smoke run) with CTest — last, so its summary closes the
#      output.
# IBASHO_QUICK=1 skips 1 and 2 (a developer's inner loop).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
stage() { echo "== $1: $(( $(date +%s) - $2 )) s"; }

t=$(date +%s)
bash scripts/build.sh
stage "build" "$t"
if [ -z "${IBASHO_QUICK:-}" ]; then
  t=$(date +%s)
  bash scripts/fuzz.sh
  stage "fuzz" "$t"
  t=$(date +%s)
  bash scripts/sanitize.sh
  stage "sanitizers" "$t"
fi
cd build
ctest --output-on-failure --parallel "$(nproc)" --timeout 600
