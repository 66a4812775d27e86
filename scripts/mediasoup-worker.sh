#!/usr/bin/env bash
# Builds the mediasoup worker against Debian's system libraries and caches the
# binary outside the clone, keyed by every version that goes into it.
#
#   scripts/mediasoup-worker.sh path    print where the cached binary lives (may not exist yet)
#   scripts/mediasoup-worker.sh ensure  build it if missing or unusable, then print its path
#
# Why: mediasoup's own install downloads its C++ dependencies, which cannot be
# reached here. Each meson subproject is replaced by a tiny project exposing the
# system library (scripts/worker-subprojects/), see ../shared/DESIGN.md.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cmd=${1:-ensure}

die() { echo "mediasoup-worker: $*" >&2; exit 1; }

ms_version=$(node -e 'const p=require(process.argv[1]);const v=(p.dependencies||{}).mediasoup;if(!/^\d+\.\d+\.\d+$/.test(v||""))process.exit(1);process.stdout.write(v)' "$root/package.json") \
  || die "package.json must pin mediasoup to an exact version"

lib_pkgs=(libuv1-dev libssl-dev libsrtp2-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev)
key_material() {
  echo "mediasoup=$ms_version"
  echo "arch=$(uname -m)"
  for p in "${lib_pkgs[@]}"; do
    echo "$p=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || echo missing)"
  done
  echo "cxx=$(c++ -dumpfullversion 2>/dev/null || echo missing)"
  echo "meson=$(meson --version 2>/dev/null || echo missing)"
  # The recipe itself is part of the key: a changed stub or flag rebuilds.
  cat "$root/scripts/mediasoup-worker.sh"
  find "$root/scripts/worker-subprojects" -type f | LC_ALL=C sort | xargs cat
}
key=$(key_material | sha256sum | cut -c1-16)
cache_root=${MEDIATION_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mediation-conference}
bin_dir="$cache_root/mediasoup-worker-$ms_version-$key"
bin="$bin_dir/mediasoup-worker"

usable() {
  [ -x "$bin" ] || return 1
  # A system library removed or replaced since the build makes the cache stale.
  ! ldd "$bin" 2>/dev/null | grep -q "not found"
}

case "$cmd" in
  path) echo "$bin"; exit 0 ;;
  ensure) ;;
  *) die "usage: $0 path|ensure" ;;
esac

if usable; then echo "$bin"; exit 0; fi

src="$root/node_modules/mediasoup/worker"
[ -f "$src/meson.build" ] || die "mediasoup $ms_version sources not found at $src (run npm install first)"
installed=$(node -p "require('$root/node_modules/mediasoup/package.json').version")
[ "$installed" = "$ms_version" ] || die "node_modules has mediasoup $installed, package.json pins $ms_version"
command -v meson >/dev/null || die "meson not found (scripts/install-system-deps.sh build installs it)"
command -v ninja >/dev/null || die "ninja not found (scripts/install-system-deps.sh build installs it)"

echo "mediasoup-worker: building mediasoup $ms_version worker against system libraries (about 3 minutes on 2 cores)..." >&2
mkdir -p "$cache_root"
work=$(mktemp -d "$cache_root/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$src" "$work/worker"
rm -rf "$work/worker/subprojects" "$work/worker/out"
mkdir -p "$work/worker/subprojects"
cp -r "$root/scripts/worker-subprojects/." "$work/worker/subprojects/"

log="$work/build.log"
if ! ( cd "$work/worker" \
  && meson setup --buildtype=release -Db_ndebug=true --wrap-mode=nodownload out \
  && ninja -C out -j "$(nproc)" mediasoup-worker ) >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  die "the worker build failed (full log above, last 40 lines). Check that scripts/install-system-deps.sh build ran."
fi

mkdir -p "$bin_dir"
cp "$work/worker/out/mediasoup-worker" "$bin.tmp.$$"
mv -f "$bin.tmp.$$" "$bin"
usable || die "the built worker at $bin cannot load its libraries: $(ldd "$bin" | grep 'not found')"
echo "mediasoup-worker: built $bin" >&2
echo "$bin"
