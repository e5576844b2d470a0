#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/ and runs each for
# ${IBASHO_FUZZ_SECONDS:-20} seconds from its seed corpus in tests/fuzz/corpus/. New inputs go to a
# scratch directory; a crash leaves its input in build-fuzz/crashes/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache hits across clones in other folders (CI builds a fresh clone).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
seconds=${IBASHO_FUZZ_SECONDS:-20}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f build-fuzz/CMakeCache.txt ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DIBASHO_FUZZ=ON -DIBASHO_BUILD_TESTS=OFF >/dev/null
fi
cmake --build build-fuzz --parallel "$(nproc)" --target fuzzers
mkdir -p build-fuzz/crashes
failed=0
for target in http_target json_request open_data_csv hsds_import normalizer query_builder; do
  scratch=$(mktemp -d)
  start=$(date +%s)
  if build-fuzz/tests/fuzz/${target}_fuzz "$scratch" "tests/fuzz/corpus/$target" -max_total_time="$seconds" \
      -max_len=65536 -rss_limit_mb=2048 -artifact_prefix="build-fuzz/crashes/${target}-" >"build-fuzz/$target.log" 2>&1; then
    runs=$(grep -o 'Done [0-9]* runs' "build-fuzz/$target.log" | tail -1)
    echo "fuzz $target: ok ($runs in $(( $(date +%s) - start )) s)"
  else
    echo "fuzz $target: FAILED (see build-fuzz/$target.log)"
    tail -30 "build-fuzz/$target.log"
    failed=1
  fi
  rm -rf "$scratch"
done
exit $failed
