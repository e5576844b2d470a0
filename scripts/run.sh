#!/usr/bin/env bash
# Installs, builds, and starts the whole system on its embedded defaults with the sample data:
# registry (SQLite) → change feed → search (Xapian) → HTTP gateway on http://127.0.0.1:8080.
# Data lives in ${IBASHO_DATA_DIR:-var}/; stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh

DATA_DIR=${IBASHO_DATA_DIR:-var}
PORT=${IBASHO_GATEWAY_PORT:-8080}
mkdir -p "$DATA_DIR/logs"
if [ -z "${IBASHO_ADMIN_TOKEN:-}" ]; then
  [ -s "$DATA_DIR/admin_token" ] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DATA_DIR/admin_token"
  IBASHO_ADMIN_TOKEN=$(cat "$DATA_DIR/admin_token")
fi
export IBASHO_ADMIN_TOKEN
# The registry creates this shared secret (mode 0600) on first start; the others read it.
export IBASHO_REGISTRY_SECRET_FILE=${IBASHO_REGISTRY_SECRET_FILE:-$DATA_DIR/registry.secret}

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

build/services/ibasho-registry --db="$DATA_DIR/registry.db" >>"$DATA_DIR/logs/registry.log" 2>&1 & pids+=($!)
build/services/ibasho-search --index="$DATA_DIR/index" >>"$DATA_DIR/logs/search.log" 2>&1 & pids+=($!)
build/services/gateway/ibasho-gateway --port="$PORT" >>"$DATA_DIR/logs/gateway.log" 2>&1 & pids+=($!)

for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "services did not become ready; see $DATA_DIR/logs" >&2; exit 1; }
build/clients/ibashoctl load data/sample/groups.json

cat <<MSG

ibasho is running: http://127.0.0.1:$PORT   (logs in $DATA_DIR/logs, Ctrl-C stops)
  search page:    http://127.0.0.1:$PORT/   (map: /?view=map, calendar: /?view=calendar)
  printed guide:  http://127.0.0.1:$PORT/guide?category=kodomo_shokudo
admin token: $IBASHO_ADMIN_TOKEN

  curl -s 'http://127.0.0.1:$PORT/v1/search?q=%E5%AD%A6%E6%A0%A1%E3%80%81%E8%A1%8C%E3%81%8D%E3%81%9F%E3%81%8F%E3%81%AA%E3%81%84'
  curl -s -G 'http://127.0.0.1:$PORT/v1/search' --data-urlencode 'q=こども食堂 土曜'
  curl -s -G 'http://127.0.0.1:$PORT/v1/suggest' --data-urlencode 'q=ふと'
  curl -s -X POST 'http://127.0.0.1:$PORT/v1/groups' -H "Authorization: Bearer \$IBASHO_ADMIN_TOKEN" \\
       -d '{"name":"テストの会","activities":[{"title":"土曜の居場所","categories":["ibasho"]}]}'
MSG
wait
