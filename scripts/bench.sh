#!/usr/bin/env bash
# `npm run bench:*`: installs what is missing (FFmpeg, Chromium), builds, then
# runs one benchmark script (TypeScript, through vite-node) with the worker set.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh bench
MEDIASOUP_WORKER_BIN=$(bash scripts/mediasoup-worker.sh path)
export MEDIASOUP_WORKER_BIN
mkdir -p bench/results
# The service runs as `npm start` runs it (scripts/start.sh): two malloc arenas.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
exec npx vite-node "$@"
