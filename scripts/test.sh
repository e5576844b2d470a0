#!/usr/bin/env bash
# Installs, builds and runs every test (unit, integration with the three real services on
# loopback, and the relevance check) with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh
cd build
ctest --output-on-failure --parallel "$(nproc)" --timeout 600
