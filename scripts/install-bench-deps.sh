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

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-bench-deps: not root and no sudo; install as root: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi

echo "install-bench-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
