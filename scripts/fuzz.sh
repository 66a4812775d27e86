#!/usr/bin/env bash
# `npm run fuzz`: the generated test suites with many more cases than `npm test`
# runs (same fixed seeds, so a failure repeats). FUZZ_RUNS sets the cases per
# property (default 500; about 25 minutes on 2 cores).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh test
MEDIASOUP_WORKER_BIN=$(bash scripts/mediasoup-worker.sh path)
export MEDIASOUP_WORKER_BIN
export FUZZ_RUNS=${FUZZ_RUNS:-500}
echo "== fuzz: FUZZ_RUNS=$FUZZ_RUNS"
npx vitest run tests/unit/untrusted-parsers.test.ts tests/integration/multipart-fuzz.test.ts \
  tests/integration/fuzz/ "$@"
