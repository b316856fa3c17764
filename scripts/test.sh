#!/usr/bin/env bash
# npm test: type-check, then the pure-core and offline unit tests in Node, then the Worker tests inside workerd.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npx tsc -p tsconfig.json
npx tsc -p tsconfig.node.json
npx vitest run --config vitest.unit.config.ts
npx vitest run --config vitest.workers.config.ts
npm run test:e2e
