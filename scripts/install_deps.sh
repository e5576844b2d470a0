#!/usr/bin/env bash
# Installs every Debian 12 package ibasho needs to build, run and test. Idempotent: packages that are
# already present are skipped, and apt is only touched when something is missing.
set -euo pipefail

# Beyond the brief's list: ninja-build and ccache (build speed), mecab-utils (mecab-dict-index for
# the user dictionary), nlohmann-json3-dev (RFC 7396 merge patch, reports), libssl-dev (SHA-256 of
# tokens; gRPC links OpenSSL anyway), and the benchmark peers groonga-bin,
# groonga-tokenizer-mecab and nginx-light; clang and libclang-rt-14-dev for the libFuzzer targets
# (scripts/fuzz.sh); python3-jsonschema to validate the HSDS output against the HSDS 3.0 schemas;
# python3-yaml to compile docs/openapi.yaml into the gateway (served as /v1/openapi.json);
# libcurl4-openssl-dev for ibasho-sync, the partner tool that talks HTTPS to a gateway;
# libqrencode-dev for the QR codes of the printed guide (GET /guide); Node.js and npm to build the
# web page (clients/web, Vite); for the tests, chromium (the browser tests drive it with
# playwright-core) and fonts-noto-cjk (Japanese glyphs in the screenshots).
#
# --production: only what a production build needs (cmake -DIBASHO_BUILD_TESTS=OFF): no GoogleTest,
# no benchmark peers, no fuzzing or schema-validation tools.
# --bench: also groonga-httpd, the keep-alive Groonga server the performance suite measures against
# (bench/run_perf.sh; the test suite leaves it out when it is not installed). Its system service is
# disabled: the suite starts its own on a free port.
PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git curl
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libxapian-dev libsqlitecpp-dev libsqlite3-dev libspdlog-dev
  libmecab-dev mecab mecab-ipadic-utf8 mecab-utils libicu-dev libboost-dev
  nlohmann-json3-dev libssl-dev python3-yaml libcurl4-openssl-dev libqrencode-dev
)
# Node.js may come from elsewhere (NodeSource): only Debian's when there is no npm at all.
command -v npm >/dev/null || PACKAGES+=(nodejs npm)
[ "${1:-}" = "--bench" ] && PACKAGES+=(groonga-httpd)
if [ "${1:-}" != "--production" ]; then
  PACKAGES+=(
    libgtest-dev
    groonga-bin groonga-tokenizer-mecab nginx-light
    clang libclang-rt-14-dev
    python3-jsonschema
    chromium fonts-noto-cjk
  )
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [[ " ${missing[*]} " == *" groonga-httpd "* ]] && command -v systemctl >/dev/null; then
  $SUDO systemctl disable --now groonga-httpd >/dev/null 2>&1 || true
fi
