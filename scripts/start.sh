#!/usr/bin/env bash
# `npm start`: installs what is missing, prints the demo session's links and
# runs the service in the foreground (Ctrl+C stops it gracefully).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
MEDIASOUP_WORKER_BIN=$(bash scripts/mediasoup-worker.sh path)
export MEDIASOUP_WORKER_BIN
node dist/server/cli/seed-demo.js
# The demo's loopback mail relay and SMS gateway, unless a real one is configured (README
# "Channels"); the console lists what they received.
export DEMO_CHANNELS=${DEMO_CHANNELS:-true}
# Two glibc malloc arenas instead of up to 8 per core: the libuv threads (hashing, file
# writes, compression) otherwise each grow an arena of their own that is never given back.
# bench:soak, a compressed working day: RSS 403 -> 544 MiB over 8 hours with the default,
# 362 -> 365 MiB with 2, at the same pace (bench/README.md, "bench:soak").
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
exec node dist/server/index.js
