#!/usr/bin/env bash
# Benchmark harness (first part of issue 7): in ONE run on this machine, PostgreSQL's own
# point-lookup ceiling (pgbench -S) and shipd's GET one shipment and batch-track of 100 codes
# (wrk -t2 -c64 after a warm-up), single-request latency on a kept-alive connection, and
# shipd's RSS idle and under load. Appends a table to bench/RESULTS.md.
#   bench/run.sh [SHIPMENTS] [SECONDS]     (defaults 100000 and 15)
# The seed's Python peer is not run by this script yet (see bench/RESULTS.md for its figures
# from ../shared/peers/seed-fastapi/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
SECS=${2:-15}
BIN=${SHIPD_BIN:-build/release/shipd}
OUT=bench/out
rm -rf "$OUT" && mkdir -p "$OUT"
chmod 711 "$OUT"
export SHIPD_DATA_DIR="$PWD/$OUT/data" SHIPD_EMBEDDED_PG_PORT=0 SHIPD_DEMO_SHIPMENTS=0 SIMULATED_TRACKING=off
PORT=${SHIPD_BENCH_PORT:-18090}

echo "== loading $N shipments (demo-data, bulk path)"
/usr/bin/time -f "%e s" "$BIN" demo-data --shipments "$N" 2>&1 | tail -2

SHIPD_PORT=$PORT "$BIN" serve > "$OUT/serve.out" 2> "$OUT/serve.err" &
SHIPD_PID=$!
trap 'kill -TERM $SHIPD_PID 2>/dev/null; wait $SHIPD_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do grep -q "shipd is ready" "$OUT/serve.out" 2>/dev/null && break; sleep 0.2; done
grep -q "shipd is ready" "$OUT/serve.out" || { cat "$OUT/serve.err"; exit 1; }

PGPORT=$(sed -n 4p "$OUT/data/pgdata/postmaster.pid")
export PGHOST=127.0.0.1 PGPORT PGUSER=shipd PGPASSWORD=$(cat "$OUT/data/password")
# The embedded default's admin key (serve holds the data directory: no second shipd on it).
KEY=$(cat "$OUT/data/api-key")
export SHIPD_BENCH_KEY=$KEY
psql -qAt -d shipd -c "SELECT id FROM shipments ORDER BY random() LIMIT 20000" > "$OUT/ids.txt"
psql -qAt -d shipd -c "SELECT tracking_code FROM shipments WHERE tracking_code IS NOT NULL ORDER BY random() LIMIT 20000" > "$OUT/codes.txt"
export SHIPD_BENCH_IDS=$OUT/ids.txt SHIPD_BENCH_CODES=$OUT/codes.txt

rss_kb() { awk '/VmRSS/ {print $2}' /proc/$SHIPD_PID/status; }
RSS_IDLE=$(rss_kb)

echo "== pgbench -S -M prepared -c16 -j2 (the database's point-lookup ceiling)"
psql -qAt -d shipd -c "DROP DATABASE IF EXISTS pgbench" -c "CREATE DATABASE pgbench" >/dev/null
pgbench -q -i -s 10 pgbench >/dev/null 2>&1
PGB=$(pgbench -n -S -M prepared -c16 -j2 -T "$SECS" pgbench 2>/dev/null | awk '/^tps/ {print $3; exit}')
echo "pgbench tps=$PGB"

run_wrk() {  # script label
  wrk -t2 -c64 -d3s -s "bench/wrk/$1.lua" "http://127.0.0.1:$PORT" > "$OUT/warmup-$1.txt" 2>&1 || true
  wrk -t2 -c64 -d"${SECS}s" -s "bench/wrk/$1.lua" "http://127.0.0.1:$PORT" > "$OUT/wrk-$1.txt" 2>&1 || true
  grep RESULT "$OUT/wrk-$1.txt" || { echo "wrk $1 failed:" >&2; cat "$OUT/wrk-$1.txt" >&2; exit 1; }
}
echo "== wrk GET /v1/shipments/{id}"
GET=$(run_wrk get_shipment); echo "$GET"
RSS_LOAD=$(rss_kb)
echo "== wrk POST batch-track (100 codes)"
BATCH=$(run_wrk batch_track); echo "$BATCH"

echo "== single-request latency (kept-alive, median of 200)"
ID=$(head -1 "$OUT/ids.txt")
lat() {  # method path [body]: median of 200 requests on one kept-alive connection, in ms
  local args=(-s -H "Authorization: Bearer $KEY" -w '%{time_total}\n')
  [ "$1" = POST ] && args+=(-H 'Content-Type: application/json' -X POST --data "$3")
  for _ in $(seq 1 200); do args+=(-o /dev/null "http://127.0.0.1:$PORT$2"); done
  curl "${args[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]*1000}'
}
CODES=$(head -100 "$OUT/codes.txt" | awk '{printf "%s\"%s\"", (NR>1?",":""), $1}')
LAT_GET=$(lat GET "/v1/shipments/$ID")
LAT_BATCH=$(lat POST /v1/shipments/batch-track "{\"tracking_codes\":[$CODES]}")
echo "GET ${LAT_GET} ms, batch-track(100) ${LAT_BATCH} ms"

field() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1==k {print $2}'; }
GET_RPS=$(field "$GET" rps); BATCH_RPS=$(field "$BATCH" rps)
RATIO=$(awk -v a="$GET_RPS" -v b="$PGB" 'BEGIN {printf "%.2f", a/b}')
COMMIT=$(git rev-parse --short HEAD)
{
  echo
  echo "## Harness run $(date -u +%Y-%m-%dT%H:%MZ), commit $COMMIT"
  echo
  echo "Command: \`bench/run.sh $N $SECS\` (Release; shipd, PostgreSQL, wrk and pgbench share the 2 cores; N = $N shipments of the demo generator)."
  echo
  echo "| measure | result |"
  echo "| --- | --- |"
  echo "| pgbench -S -M prepared -c16 -j2, TPS | $PGB |"
  echo "| GET /v1/shipments/{id}, wrk -t2 -c64 | $GET_RPS req/s, p50 $(field "$GET" p50_ms) ms, p99 $(field "$GET" p99_ms) ms, errors $(field "$GET" errors), non-2xx $(field "$GET" non2xx) |"
  echo "| GET / pgbench -S | ${RATIO}x |"
  echo "| batch-track of 100 codes, wrk -t2 -c64 | $BATCH_RPS req/s, p50 $(field "$BATCH" p50_ms) ms, p99 $(field "$BATCH" p99_ms) ms, errors $(field "$BATCH" errors), non-2xx $(field "$BATCH" non2xx) |"
  echo "| single request, kept-alive curl, median of 200 | GET ${LAT_GET} ms, batch-track(100) ${LAT_BATCH} ms |"
  echo "| shipd RSS idle / after the GET load | $((RSS_IDLE / 1024)) MB / $((RSS_LOAD / 1024)) MB |"
} | tee -a bench/RESULTS.md
