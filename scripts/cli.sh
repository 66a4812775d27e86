#!/usr/bin/env bash
# `npm run verify | verify-reference | rotate-key`: runs a command-line tool of
# the service from its build, setting the project up first when the build is
# missing (a fresh clone), so a court's clerk can verify with one command.
# Usage: scripts/cli.sh <tool> [arguments…]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tool=${1:?usage: scripts/cli.sh <tool> [arguments…]}
shift
entry="$root/dist/server/cli/$tool.js"
if [ ! -f "$entry" ]; then
  printf '\033[1m[setup]\033[0m %s\n' "first run: installing and building (once)" >&2
  bash "$root/scripts/setup.sh" >&2
fi
exec node "$entry" "$@"
