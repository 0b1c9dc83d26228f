# bench/lib/peer.sh: the seed's own stack (../shared/peers/seed-fastapi: FastAPI + SQLAlchemy
# async + asyncpg, the seed's pool settings) on the same cluster, loaded by its own gen.py (same
# shape, same N, same tracking codes), started by the harness (uvicorn, $PEER_WORKERS workers,
# uvloop + httptools, no access log: as its bench.sh runs it), measured with the same wrk
# scripts and settings as shipd.

PEER_DIR=${PEER_DIR:-$(cd "$BENCH_DIR/../.." 2>/dev/null && pwd)/shared/peers/seed-fastapi}
[ -f "$PEER_DIR/app.py" ] || PEER_DIR=/work/shared/peers/seed-fastapi
PEER_PGID=
# Debian's Python, which has the packages from apt (a python3 earlier on PATH, e.g. pyenv's, does not).
PY=${PY:-/usr/bin/python3}

peer_check() {
  [ -f "$PEER_DIR/app.py" ] || die "the peer is not at $PEER_DIR (set PEER_DIR)"
  "$PY" -c "import fastapi, uvicorn, asyncpg, sqlalchemy, pydantic, uvloop, httptools" 2>/dev/null \
    || die "the peer's Python packages are missing: run scripts/install-bench-deps.sh"
}

peer_load() {
  psql_q -d postgres -c "CREATE DATABASE peer"
  PEER_DB_URL="postgresql://postgres@127.0.0.1:$PGPORT/peer"
  local t0=$SECONDS
  (cd "$PEER_DIR" && PYTHONDONTWRITEBYTECODE=1 DATABASE_URL="$PEER_DB_URL" timeout 3600 "$PY" gen.py --n "$N") \
    > "$OUT/peer-gen.log" 2>&1 || { cat "$OUT/peer-gen.log" >&2; die "the peer's gen.py failed"; }
  R[peer_load_s]=$((SECONDS - t0))
  settle_writes
  psql_q -d peer -Atc "SELECT id FROM shipments ORDER BY random() LIMIT 20000" > "$OUT/peer-ids.txt"
  log "peer data (gen.py, its schema and indexes, VACUUM ANALYZE): $N shipments in ${R[peer_load_s]} s"
}

peer_start() {
  PEER_PORT=$(free_port)
  # setsid: the app and its worker processes form one process group that cleanup can end.
  (cd "$PEER_DIR" && exec setsid env PYTHONDONTWRITEBYTECODE=1 DATABASE_URL="$PEER_DB_URL" \
      "$PY" -m uvicorn app:app --host 127.0.0.1 --port "$PEER_PORT" --workers "$PEER_WORKERS" \
      --loop uvloop --http httptools --no-access-log --log-level warning) > "$OUT/peer-app.log" 2>&1 &
  PEER_PGID=$!
  started "-$PEER_PGID"
  local ok=
  for _ in $(seq 1 150); do
    curl -sf --max-time 2 "http://127.0.0.1:$PEER_PORT/health" > /dev/null 2>&1 && { ok=1; break; }
    sleep 0.2
  done
  [ -n "$ok" ] || { cat "$OUT/peer-app.log" >&2; die "the peer did not start"; }
  sleep 2  # every worker past its startup (raw pool min_size=10 each)
}

peer_stop() {
  [ -n "$PEER_PGID" ] && stop_started "-$PEER_PGID"
  PEER_PGID=
}

# The peer answers the same work as shipd: one shipment with both addresses; 100 codes -> 100
# rows. Sets PEER_URL, PEER_ID and PEER_BODY for the measurements.
peer_check_answers() {
  PEER_URL="http://127.0.0.1:$PEER_PORT"
  PEER_ID=$(head -1 "$OUT/peer-ids.txt")
  PEER_BODY=$(awk -v n="$N" 'BEGIN { srand(5); printf "["; for (i = 1; i <= 100; i++) printf "%s\"TRK%010d\"", (i > 1 ? "," : ""), 1 + int(rand() * n); print "]" }')
  R[peer_get_bytes]=$(curl -sf --max-time 10 "$PEER_URL/shipments/$PEER_ID" | wc -c)
  R[peer_batch_bytes]=$(curl -sf --max-time 10 -H 'Content-Type: application/json' -d "$PEER_BODY" "$PEER_URL/shipments/batch-track" | wc -c)
  [ "${R[peer_get_bytes]}" -gt 100 ] && [ "${R[peer_batch_bytes]}" -gt 1000 ] || die "the peer answers wrongly (GET ${R[peer_get_bytes]} bytes, batch ${R[peer_batch_bytes]} bytes)"
}

# One wrk run (after its warm-up) of GET / batch-track; ROUND (optional) names a round of
# --rounds: results under R[peer_get.ROUND_*], output in wrk-peer-get-rROUND.txt.
peer_get_run() {
  record_wrk "peer_get${1:+.$1}" "$(run_wrk "peer-get${1:+-r$1}" get.lua "$PEER_URL" /shipments/ "$OUT/peer-ids.txt")"
}
peer_batch_run() {
  record_wrk "peer_batch${1:+.$1}" "$(run_wrk "peer-batch${1:+-r$1}" batch_track.lua "$PEER_URL" /shipments/batch-track "$N" 100 peer)"
}

peer_latency() {
  latency "$LAT_N" "$PEER_URL/shipments/$PEER_ID"
  R[peer_lat_get]=$LAT_MED; R[peer_lat_get_p99]=$LAT_P99; R[peer_lat_bad]=$LAT_BAD
  latency "$LAT_N" "$PEER_URL/shipments/batch-track" -H 'Content-Type: application/json' --data "$PEER_BODY"
  R[peer_lat_batch]=$LAT_MED; R[peer_lat_batch_p99]=$LAT_P99; R[peer_lat_bad]=$((R[peer_lat_bad] + LAT_BAD))
  log "peer single request (kept-alive, $LAT_N): GET ${R[peer_lat_get]} ms (p99 ${R[peer_lat_get_p99]}), batch(100) ${R[peer_lat_batch]} ms (p99 ${R[peer_lat_batch_p99]}), non-2xx ${R[peer_lat_bad]}"
}

# Everything of the peer in one go (--rounds 1).
peer_measure() {
  peer_check_answers
  if part get; then peer_get_run; fi
  if part batch; then peer_batch_run; fi
  if part latency; then peer_latency; fi
}
