#!/usr/bin/env bash
# npm start: install if needed, migrate the local D1, start the Worker on Miniflare (wrangler dev), and on first
# start load MovieLens 100K through the admin API when the data is present.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
port="${PORT:-8787}"
data_dir="${SERENDIP_DATA_DIR:-../shared/data}"
run() { bash scripts/with-node22.sh "$@"; }

if [ ! -d node_modules ]; then
  echo "serendip: installing dependencies (npm ci)…"
  run npm ci --no-audit --no-fund
fi
[ -f .dev.vars ] || { cp .dev.vars.example .dev.vars; echo "serendip: created .dev.vars from .dev.vars.example (local keys dev-serve-key, dev-admin-key)"; }

export WRANGLER_SEND_METRICS=false
# Wrangler's local request tracing is on by default: it more than doubles first-start ingest time and writes a
# trace database of hundreds of MB into .wrangler/state. Serendip logs its own decisions.
export X_LOCAL_OBSERVABILITY=false
run npx wrangler d1 migrations apply serendip --local >/dev/null
echo "serendip: local D1 migrated (state in .wrangler/state)"

run npx wrangler dev --port "$port" --ip 127.0.0.1 --show-interactive-dev-session=false &
dev_pid=$!
# wrangler starts workerd as a child of its own; stop the whole process group so nothing is left listening.
trap 'trap - EXIT INT TERM; kill 0 2>/dev/null || true' EXIT INT TERM

items="$(run node scripts/wait-for-health.mjs "http://127.0.0.1:$port")"
if [ "$items" = "0" ]; then
  if [ -f "$data_dir/ml-100k/u.data" ]; then
    echo "serendip: empty catalogue; loading MovieLens 100K from $data_dir/ml-100k (first start only)…"
    run npx tsx offline/ingest.ts movielens "$data_dir/ml-100k" --url "http://127.0.0.1:$port"
  else
    echo "serendip: the catalogue is empty and no MovieLens data was found at $data_dir/ml-100k."
    echo "          Set SERENDIP_DATA_DIR to the folder holding ml-100k, or load it later with:"
    echo "          npm run ingest -- movielens <path to ml-100k>"
  fi
fi
cat <<TXT
serendip: ready at http://127.0.0.1:$port
  curl -s http://127.0.0.1:$port/v1/rank -H 'authorization: Bearer dev-serve-key' -H 'content-type: application/json' -d '{"userId":"196","k":10}'
TXT
wait "$dev_pid"
