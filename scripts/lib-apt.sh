# Sourced by scripts/install-deps.sh and scripts/install-bench-deps.sh.
# apt_install_missing NAME PACKAGE...: installs (apt-get, sudo when not root) the Debian
# packages of the list that are not installed yet; prints what it installs; does nothing when
# all are there. NAME prefixes its messages.
apt_install_missing() {
  local name=$1; shift
  local missing=() p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "$name: not root and no sudo; install as root: ${missing[*]}" >&2; return 1; }
    sudo=(sudo)
  fi
  echo "$name: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq || return 1
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
}
