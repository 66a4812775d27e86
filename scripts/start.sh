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
exec node dist/server/index.js
