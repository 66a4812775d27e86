#!/usr/bin/env bash
# Installs the Debian packages the project needs, and only those missing.
# Usage: scripts/install-system-deps.sh [build|test]...
#   build: toolchain and system libraries the mediasoup worker is built against,
#          and what the running service needs: FFmpeg (recording) and a CJK font
#          (names on the composite recording, documents)
#   test:  Chromium, a CJK font, FFmpeg and poppler-utils (PDF checks)
#   bench: FFmpeg (synthetic participants), Chromium and PostgreSQL (bench:db) for the benchmarks
# meson >= 1.1 is required by mediasoup 3.12.16; bookworm ships 1.0.1, so the
# bookworm-backports suite is added to the machine's existing Debian source.
set -euo pipefail

want_build=0
want_test=0
want_bench=0
for arg in "${@:-build}"; do
  case "$arg" in
    build) want_build=1 ;;
    test) want_test=1 ;;
    bench) want_bench=1 ;;
    *) echo "install-system-deps: unknown group '$arg' (build|test|bench)" >&2; exit 2 ;;
  esac
done

build_pkgs=(g++ make python3 pkg-config ninja-build libuv1-dev libssl-dev libsrtp2-dev
  libusrsctp-dev libabsl-dev nlohmann-json3-dev)
runtime_pkgs=(ffmpeg fonts-noto-cjk)
# postgresql: the server binaries for the tests' throwaway clusters (tests/support/postgres.ts);
# redis-server: the tests' throwaway Redis (tests/support/redis.ts) for several nodes.
test_pkgs=(chromium fonts-noto-cjk ffmpeg poppler-utils postgresql redis-server)
bench_pkgs=(ffmpeg chromium fonts-noto-cjk postgresql redis-server)

missing=()
is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
if [ "$want_build" = 1 ]; then
  for p in "${build_pkgs[@]}" "${runtime_pkgs[@]}"; do is_installed "$p" || missing+=("$p"); done
fi
if [ "$want_test" = 1 ]; then
  for p in "${test_pkgs[@]}"; do is_installed "$p" || missing+=("$p"); done
fi
if [ "$want_bench" = 1 ]; then
  for p in "${bench_pkgs[@]}"; do is_installed "$p" || missing+=("$p"); done
fi

meson_ok() {
  command -v meson >/dev/null 2>&1 || return 1
  local v
  v=$(meson --version)
  [ "$(printf '%s\n1.1.0\n' "$v" | sort -V | head -n1)" = "1.1.0" ]
}
need_meson=0
if [ "$want_build" = 1 ] && ! meson_ok; then need_meson=1; fi

if [ ${#missing[@]} -eq 0 ] && [ "$need_meson" = 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-system-deps: need root (or sudo) to install: ${missing[*]} ${need_meson:+meson>=1.1}" >&2
    exit 1
  fi
fi

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
if [ "$need_meson" = 1 ] && [ "$codename" = bookworm ]; then
  if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "install-system-deps: adding bookworm-backports (for meson >= 1.1)" >&2
    $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
fi

# Debian's postgresql package would create and start a cluster of its own on port 5432; the
# tests make throwaway clusters as needed, so none is created at install.
if printf '%s\n' "${missing[@]}" | grep -qx postgresql; then
  $SUDO mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' | $SUDO tee /etc/postgresql-common/createcluster.d/mediation-no-main.conf >/dev/null
fi

# Debian's redis-server package starts a server of its own on port 6379 at install; the tests
# start their own on free ports, so no service starts while packages install (policy-rc.d).
policy=/usr/sbin/policy-rc.d
if printf '%s\n' "${missing[@]}" | grep -qx redis-server && [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  trap '$SUDO rm -f "$policy"' EXIT
fi

echo "install-system-deps: installing ${missing[*]} ${need_meson:+meson}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ "$need_meson" = 1 ]; then
  if [ "$codename" = bookworm ]; then
    $SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports meson
  else
    $SUDO apt-get install -y -qq --no-install-recommends meson
  fi
  meson_ok || { echo "install-system-deps: meson >= 1.1 is required, found $(meson --version 2>/dev/null || echo none)" >&2; exit 1; }
fi
