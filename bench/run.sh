#!/usr/bin/env bash
# The benchmark harness of issue 7 (`make bench`; not part of `make test`). See bench/README.md.
#
#   bench/run.sh                       default run: N=100000, 15 s per wrk run, every part
#   bench/run.sh --large               N=1000000
#   bench/run.sh --smoke               N=1000, 2 s runs, no peer, no pgbench, nothing appended
#   bench/run.sh [N] [SECONDS]         the older positional form
#
# Options as arguments or environment:
#   --n N / N                     shipments on each side (default 100000)
#   --duration S / DURATION       seconds per measured wrk/pgbench run (default 15)
#   --warmup S / WARMUP           seconds of warm-up before each wrk run (default 3)
#   --rounds R / ROUNDS           R > 1: both servers up, then R alternated rounds (peer's wrk run,
#                                 then shipd's) of get and of batch; the table takes the medians
#                                 and lists the rounds (default 3; --smoke 1; 1: one run each,
#                                 the peer's first)
#   --parts LIST / BENCH_PARTS    comma list of: pgbench,peer,get,batch,latency,list,analytics,
#                                 events,create,import (default: all)
#   --no-append / BENCH_RESULTS=- print the table only (default: append to bench/RESULTS.md)
#   SHIPD_BIN (build/release/shipd), PEER_WORKERS (2), WRK_THREADS (2), WRK_CONNECTIONS (64),
#   LAT_N (200 single requests), IMPORT_LINES (100000), PGBENCH_SCALE (10), PEER_DIR, PY,
#   BENCH_SHARED_BUFFERS (256MB, the peer's setting; the one cluster's, so every side's),
#   BENCH_OUT (bench/out: logs, wrk outputs, the table), BENCH_KEEP=1 (keep the cluster's dir).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
COMMAND="bench/run.sh${*:+ $*}"
ALL_PARTS=pgbench,peer,get,batch,latency,list,analytics,events,create,import

SMOKE=0 APPEND=1 POS=()
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) SMOKE=1 ;;
    --large) N=1000000 ;;
    --n) N=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --parts) BENCH_PARTS=$2; shift ;;
    --no-append) APPEND=0 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) POS+=("$1") ;;
  esac
  shift
done
[ ${#POS[@]} -ge 1 ] && N=${POS[0]}
[ ${#POS[@]} -ge 2 ] && DURATION=${POS[1]}
if [ "$SMOKE" = 1 ]; then
  N=${N:-1000} DURATION=${DURATION:-2} WARMUP=${WARMUP:-1} LAT_N=${LAT_N:-50} IMPORT_LINES=${IMPORT_LINES:-2000}
  BENCH_PARTS=${BENCH_PARTS:-get,batch,latency,list,analytics,events,create,import} APPEND=0
  ROUNDS=${ROUNDS:-1}
fi
N=${N:-100000} DURATION=${DURATION:-15} WARMUP=${WARMUP:-3} LAT_N=${LAT_N:-200} ROUNDS=${ROUNDS:-3}
BENCH_PARTS=${BENCH_PARTS:-$ALL_PARTS} IMPORT_LINES=${IMPORT_LINES:-100000}
PEER_WORKERS=${PEER_WORKERS:-2} WRK_THREADS=${WRK_THREADS:-2} WRK_CONNECTIONS=${WRK_CONNECTIONS:-64}
PGBENCH_SCALE=${PGBENCH_SCALE:-10}
BENCH_RESULTS=${BENCH_RESULTS:-$BENCH_DIR/RESULTS.md}
[ "$APPEND" = 0 ] && BENCH_RESULTS=-
SHIPD_BIN=${SHIPD_BIN:-$ROOT/build/release/shipd}
SHIPD_BIN=$(cd "$ROOT" && realpath "$SHIPD_BIN")
OUT=${BENCH_OUT:-$BENCH_DIR/out}
for p in ${BENCH_PARTS//,/ }; do
  [[ ",$ALL_PARTS," == *",$p,"* ]] || { echo "unknown part '$p' (parts: $ALL_PARTS)" >&2; exit 2; }
done
[[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 100 ] || { echo "N must be a number >= 100" >&2; exit 2; }
[[ $ROUNDS =~ ^[0-9]+$ ]] && [ "$ROUNDS" -ge 1 ] || { echo "--rounds must be a number >= 1" >&2; exit 2; }

rm -rf "$OUT" && mkdir -p "$OUT"
# shellcheck source=bench/lib/common.sh
source "$BENCH_DIR/lib/common.sh"
source "$BENCH_DIR/lib/cluster.sh"
source "$BENCH_DIR/lib/peer.sh"
source "$BENCH_DIR/lib/shipd.sh"
source "$BENCH_DIR/lib/rounds.sh"
source "$BENCH_DIR/lib/report.sh"

for tool in wrk curl psql pgbench python3 "$PGBIN/initdb"; do
  command -v "$tool" > /dev/null || die "$tool is missing: run scripts/install-deps.sh and scripts/install-bench-deps.sh"
done
[ -x "$SHIPD_BIN" ] || die "no shipd binary at $SHIPD_BIN (build it, or set SHIPD_BIN)"
part peer && peer_check

TMP=$(mktemp -d /tmp/shipd-bench.XXXXXX)
chmod 755 "$TMP"
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  local i
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do stop_started "${STARTED[i]}"; done
  cluster_stop
  if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
run_identity
START=$SECONDS
ROUNDS_NOTE=; [ "$ROUNDS" -gt 1 ] && ROUNDS_NOTE=" rounds=$ROUNDS"
log "bench: N=$N duration=${DURATION}s warmup=${WARMUP}s parts=$BENCH_PARTS$ROUNDS_NOTE shipd=$SHIPD_BIN load=$LOAD_BEFORE"
cluster_start
part pgbench && run_pgbench

if [ "$ROUNDS" -gt 1 ] && { part get || part batch; }; then
  # Both data sets, both servers, then get and batch in alternated rounds (lib/rounds.sh);
  # the peer's single requests while shipd idles, then shipd's other parts while the peer is gone.
  if part peer; then peer_load; fi
  shipd_load
  if part peer; then peer_start; peer_check_answers; fi
  shipd_start
  shipd_prepare
  if part get; then run_rounds get; fi
  if part batch; then run_rounds batch; fi
  if part peer; then
    if part latency; then peer_latency; fi
    peer_stop
  fi
  shipd_rest
  shipd_stop
else
  if part peer; then
    peer_load
    peer_start
    peer_measure
    peer_stop
  fi

  shipd_load
  shipd_start
  shipd_measure
  shipd_stop
fi

report
log "done in $((SECONDS - START)) s; logs and wrk outputs in $OUT"
