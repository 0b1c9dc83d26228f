#!/usr/bin/env bash
# Installs what `make bench` needs beyond scripts/install-deps.sh: the seed's Python stack
# (../shared/peers/seed-fastapi), which bench/run.sh starts as the peer. Debian packages only;
# idempotent (asks apt only for what is missing); not part of `make test`.
set -euo pipefail

packages=(
  python3 python3-fastapi python3-uvicorn python3-asyncpg python3-sqlalchemy
  python3-pydantic python3-uvloop python3-httptools
  wrk curl postgresql-15 postgresql-contrib
)

. "$(dirname "$0")/lib-apt.sh"
apt_install_missing install-bench-deps "${packages[@]}"
