#!/usr/bin/env bash
# `npm test`: installs what is missing (including Chromium), then runs the type
# check, lint, format check and every vitest layer (unit, integration, e2e).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh test
MEDIASOUP_WORKER_BIN=$(bash scripts/mediasoup-worker.sh path)
export MEDIASOUP_WORKER_BIN

# The client's type check goes through vue-tsc, which also checks the single-file components.
echo "== type check"; npm run --silent typecheck
echo "== lint"; npx eslint --max-warnings 0 .
echo "== format"; npx prettier --check . --log-level warn

mkdir -p test-results
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@" || status=$?
node scripts/test-summary.mjs test-results/vitest.json || status=$((status ? status : 1))
exit "$status"
