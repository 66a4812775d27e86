#!/usr/bin/env bash
# Installs whatever is missing, and only that: Debian packages, npm packages,
# the mediasoup worker (cached outside the clone), the client and server builds.
# Usage: scripts/setup.sh [test|bench]   (test adds Chromium; bench adds FFmpeg and Chromium)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "Node.js 20 or newer is required (found $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

groups=(build)
case "${1:-}" in
  test) groups+=(test) ;;
  bench) groups+=(bench) ;;
esac
bash scripts/install-system-deps.sh "${groups[@]}"

# mediasoup's postinstall would try to download its worker; with this variable
# set it skips that, and the worker is built from the installed sources below.
MEDIASOUP_WORKER_BIN=$(bash scripts/mediasoup-worker.sh path)
export MEDIASOUP_WORKER_BIN

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.mediation-install-stamp
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  # npm may hold back install scripts; better-sqlite3 must compile its addon.
  if ! node -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null; then
    say "building better-sqlite3"
    npm rebuild better-sqlite3 --foreground-scripts --loglevel=error
  fi
  echo "$lock_hash" >"$stamp"
fi

bash scripts/mediasoup-worker.sh ensure >/dev/null

say "building the client and the server"
npx vite build --config client/vite.config.ts --logLevel error
npx tsc -p tsconfig.build.json
