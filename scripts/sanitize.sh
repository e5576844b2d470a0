#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/), and the
# concurrency tests under ThreadSanitizer (build-tsan/). Any report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache hits across clones in other folders (CI builds a fresh clone).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
jobs=$(nproc)

configure() {  # dir, sanitizers
  [ -f "$1/CMakeCache.txt" ] || cmake -S . -B "$1" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DIBASHO_SANITIZE="$2" >/dev/null
}

start=$(date +%s)
configure build-asan address,undefined
# The build's output only when it fails (it is long).
cmake --build build-asan --parallel "$jobs" >build-asan/build.log 2>&1 || { tail -n 60 build-asan/build.log; exit 1; }
# Leak checking is off: gRPC, protobuf and MeCab keep process-lifetime allocations it reports.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure --parallel "$jobs" --timeout 900 -E 'perf_smoke')
echo "sanitize: ASan+UBSan suite took $(( $(date +%s) - start )) s"

start=$(date +%s)
configure build-tsan thread
cmake --build build-tsan --parallel "$jobs" --target search_test fifo_gate_test registry_store_test \
  >build-tsan/build.log 2>&1 || { tail -n 60 build-tsan/build.log; exit 1; }
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
build-tsan/tests/search_test --gtest_filter='*NeverFailWhile*:*PostingCacheFollows*:*ReadersBehind*'
build-tsan/tests/fifo_gate_test
build-tsan/tests/registry_store_test
echo "sanitize: TSan concurrency tests took $(( $(date +%s) - start )) s"
