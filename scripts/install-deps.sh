#!/usr/bin/env bash
# Installs every Debian package shipd needs to build, run, test and benchmark.
# Idempotent: asks apt only for what is missing. Uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git curl
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpq-dev postgresql-15 postgresql-contrib pgbouncer
  libssl-dev libfmt-dev libspdlog-dev libcli11-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  wrk libicu-dev
  prometheus
  chromium
)
# npm fetches swagger-ui-dist at build time (scripts/fetch-swagger-ui.sh). Debian's package
# only when no npm is there: a nodejs from elsewhere brings its own and conflicts with it.
if ! command -v npm >/dev/null; then
  packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: not root and no sudo; install as root: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian package starts a cluster of its own on 5432; shipd never uses it.
