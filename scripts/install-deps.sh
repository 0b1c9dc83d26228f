#!/usr/bin/env bash
# Installs every Debian package shipd needs to build, run, test and benchmark.
# Idempotent: asks apt only for what is missing. Uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git curl
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpq-dev postgresql-15 postgresql-contrib pgbouncer
  libssl-dev libfmt-dev libspdlog-dev libcli11-dev libmimalloc-dev
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

. "$(dirname "$0")/lib-apt.sh"
apt_install_missing install-deps "${packages[@]}"
# The Debian package starts a cluster of its own on 5432; shipd never uses it.
