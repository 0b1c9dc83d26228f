#!/usr/bin/env bash
# Fetches swagger-ui-dist from the npm registry at build time (run by src/apidocs/CMakeLists.txt)
# and copies the files /docs needs into OUT_DIR.
#   fetch-swagger-ui.sh VERSION INTEGRITY CACHE_DIR OUT_DIR FILE...
# INTEGRITY is npm's "sha512-<base64>" of the tarball (`npm view swagger-ui-dist@VERSION
# dist.integrity`). The tarball is kept in CACHE_DIR and checked against INTEGRITY on every use,
# so builds after the first need no network; a tarball that does not match is fetched again.
set -euo pipefail

if [ $# -lt 5 ]; then
  echo "usage: $0 VERSION INTEGRITY CACHE_DIR OUT_DIR FILE..." >&2
  exit 2
fi
version=$1 integrity=$2 cache=$3 out=$4
shift 4

fail() {
  echo "fetch-swagger-ui: $*" >&2
  echo "fetch-swagger-ui: GET /docs needs swagger-ui-dist@$version from the npm registry at build time;" \
       "run scripts/install-deps.sh (it installs npm), check that the npm registry is reachable," \
       "or put swagger-ui-dist-$version.tgz (npm pack) into $cache" >&2
  exit 1
}

expected_hex() {
  printf '%s' "${integrity#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n'
}

matches() {
  [ -f "$1" ] && [ "$(sha512sum "$1" | cut -d' ' -f1)" = "$(expected_hex)" ]
}

tmp="" extract=""
cleanup() { rm -rf "$tmp" "$extract"; }
trap cleanup EXIT

tarball="$cache/swagger-ui-dist-$version.tgz"
if ! matches "$tarball"; then
  command -v npm >/dev/null || fail "npm is not installed"
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
  echo "fetch-swagger-ui: npm pack swagger-ui-dist@$version into $cache"
  # npm's own cache goes beside ours: nothing is written outside CACHE_DIR.
  if ! (cd "$tmp" && npm_config_cache="$cache/npm" npm pack --silent "swagger-ui-dist@$version" >/dev/null); then
    fail "npm pack swagger-ui-dist@$version failed"
  fi
  matches "$tmp/swagger-ui-dist-$version.tgz" || fail "swagger-ui-dist-$version.tgz does not match the pinned integrity $integrity"
  mv "$tmp/swagger-ui-dist-$version.tgz" "$tarball"
fi

mkdir -p "$out"
members=()
for f in "$@"; do members+=("package/$f"); done
extract=$(mktemp -d "$out/.extract.XXXXXX")
tar -xzf "$tarball" -C "$extract" "${members[@]}" || fail "$tarball lacks one of: $*"
for f in "$@"; do
  mv -f "$extract/package/$f" "$out/$f"
  touch "$out/$f"  # newer than the script, so the build does not run this again
done
