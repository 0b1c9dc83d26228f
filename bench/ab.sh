#!/usr/bin/env bash
# A/B of shipd binaries or settings on ONE cluster and data set, alternated, for changes
# smaller than this machine's run-to-run spread (±20 % for one binary minutes apart).
# Not part of `make test`. See bench/README.md ("Comparing two builds").
#
#   bench/ab.sh [options] LABEL=BINARY[,VAR=VALUE...] LABEL=BINARY[,VAR=VALUE...] ...
#     e.g. bench/ab.sh base=/tmp/shipd.old new=build/release/shipd
#          bench/ab.sh two=build/release/shipd,SHIPD_THREADS=2 one=build/release/shipd,SHIPD_THREADS=1
#
# Options: --n N (shipments, 100000), --rounds R (3), --duration S (8), --warmup S (2),
#   --script get|batch (the wrk script of bench/wrk: get.lua or batch_track.lua; get).
# In a VALUE, {SOCKET_DIR} and {PGPORT} stand for the cluster's Unix-socket directory and port,
#   e.g. unix=build/release/shipd,DATABASE_URL=postgresql://postgres@/shipd?host={SOCKET_DIR}&port={PGPORT}
# Per run: wrk -t2 -c64 req/s and p99; CPU per request of shipd (/proc/PID/stat), of every
# postgres process, and of wrk itself; the ratio (shipd + postgres) / wrk removes the VM's
# speed changes between runs, since wrk's own work per request is fixed.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
N=100000 ROUNDS=3 DURATION=8 WARMUP=2 SCRIPT=get VARIANTS=()
while [ $# -gt 0 ]; do
  case $1 in
    --n) N=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --script) SCRIPT=$2; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *=*) VARIANTS+=("$1") ;;
    *) echo "'$1' is not LABEL=BINARY[,VAR=VALUE...] (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#VARIANTS[@]} -ge 2 ] || { echo "give at least two LABEL=BINARY variants (see --help)" >&2; exit 2; }
[[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 100 ] || { echo "N must be a number >= 100" >&2; exit 2; }
case $SCRIPT in get|batch) ;; *) echo "--script is get or batch" >&2; exit 2 ;; esac
for v in "${VARIANTS[@]}"; do
  bin=${v#*=}; bin=${bin%%,*}
  [ -x "$bin" ] || { echo "no executable shipd at '$bin' (variant $v)" >&2; exit 2; }
done

OUT=${BENCH_OUT:-$BENCH_DIR/out-ab}
rm -rf "$OUT" && mkdir -p "$OUT"
source "$BENCH_DIR/lib/common.sh"
source "$BENCH_DIR/lib/cluster.sh"
source "$BENCH_DIR/lib/shipd.sh"
WRK_THREADS=2 WRK_CONNECTIONS=64
TMP=$(mktemp -d /tmp/shipd-ab.XXXXXX)
chmod 755 "$TMP"
cleanup() {
  local rc=$? i
  set +e
  trap - EXIT INT TERM
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do stop_started "${STARTED[i]}"; done
  cluster_stop
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }  # user + system
pg_ticks() {
  local t=0 p
  for p in $(pgrep -u postgres -x postgres); do t=$((t + $(ticks "$p"))); done
  echo "$t"
}

# The schema and data come from the first variant's binary (the same for all).
SHIPD_BIN=$(realpath "$(v=${VARIANTS[0]#*=}; echo "${v%%,*}")")
log "ab: N=$N rounds=$ROUNDS duration=${DURATION}s script=$SCRIPT load=$(cut -d' ' -f1-3 /proc/loadavg)"
cluster_start
shipd_load
if [ "$SCRIPT" = get ]; then
  WRK_ARGS=(-s "$BENCH_DIR/wrk/get.lua" -- /v1/shipments/ "$OUT/ids.txt" "$SHIPD_KEY")
else
  WRK_ARGS=(-s "$BENCH_DIR/wrk/batch_track.lua" -- /v1/shipments/batch-track "$N" 100 shipd "$SHIPD_KEY")
fi
BASE_ENV=("${SHIPD_ENV[@]}")

echo "| round | variant | req/s | p99 ms | shipd CPU µs/req | postgres CPU µs/req | wrk CPU µs/req | (shipd + postgres) / wrk |" > "$OUT/table.md"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |" >> "$OUT/table.md"
for ((round = 1; round <= ROUNDS; round++)); do
  for v in "${VARIANTS[@]}"; do
    label=${v%%=*} rest=${v#*=}
    rest=${rest//\{SOCKET_DIR\}/$TMP} rest=${rest//\{PGPORT\}/$PGPORT}
    IFS=, read -r -a parts <<< "$rest"
    SHIPD_BIN=$(realpath "${parts[0]}")
    SHIPD_ENV=("${BASE_ENV[@]}" "${parts[@]:1}")
    (cd "$TMP" && shipd_env "$SHIPD_BIN" migrate up) > "$OUT/migrate-$label.log" 2>&1 \
      || die "shipd migrate up failed for $label (see $OUT/migrate-$label.log)"
    shipd_start
    url=$SHIPD_URL
    LUA_PATH="$BENCH_DIR/wrk/?.lua;;" timeout $((WARMUP + 30)) wrk -t2 -c64 --timeout 10s -d"${WARMUP}s" \
      "$url" "${WRK_ARGS[@]}" > /dev/null 2>&1 || true
    s0=$(ticks "$SHIPD_PID") g0=$(pg_ticks)
    LUA_PATH="$BENCH_DIR/wrk/?.lua;;" /usr/bin/time -f "WRKCPU %U %S" -o "$OUT/wrk-cpu.txt" \
      timeout $((DURATION + 30)) wrk -t2 -c64 --timeout 10s -d"${DURATION}s" "$url" "${WRK_ARGS[@]}" \
      > "$OUT/wrk-$label-$round.txt" 2>&1 || true
    s1=$(ticks "$SHIPD_PID") g1=$(pg_ticks)
    shipd_stop
    line=$(grep -m1 '^RESULT' "$OUT/wrk-$label-$round.txt" || true)
    [ -n "$line" ] || die "wrk printed no result for $label (see $OUT/wrk-$label-$round.txt)"
    [ "$(field "$line" errors)" = 0 ] && [ "$(field "$line" non2xx)" = 0 ] \
      || die "$label answered with errors: $line"
    requests=$(field "$line" requests)
    row=$(awk -v r="$round" -v l="$label" -v n="$requests" -v rps="$(field "$line" rps)" \
      -v p99="$(field "$line" p99_ms)" -v s=$((s1 - s0)) -v g=$((g1 - g0)) \
      -v w="$(awk '/WRKCPU/ { print ($2 + $3) * 100 }' "$OUT/wrk-cpu.txt")" 'BEGIN {
        tick = 10000  # µs per clock tick (100 Hz)
        printf "| %d | %s | %.0f | %.1f | %.0f | %.0f | %.0f | %.2f |", r, l, rps, p99,
          s * tick / n, g * tick / n, w * tick / n, (w > 0 ? (s + g) / w : 0) }')
    echo "$row" | tee -a "$OUT/table.md"
  done
done
log "table in $OUT/table.md"
