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

peer_measure() {
  local url="http://127.0.0.1:$PEER_PORT" id body
  id=$(head -1 "$OUT/peer-ids.txt")
  # The same work answered: one shipment with both addresses; 100 codes -> 100 rows.
  R[peer_get_bytes]=$(curl -sf --max-time 10 "$url/shipments/$id" | wc -c)
  body=$(awk -v n="$N" 'BEGIN { srand(5); printf "["; for (i = 1; i <= 100; i++) printf "%s\"TRK%010d\"", (i > 1 ? "," : ""), 1 + int(rand() * n); print "]" }')
  R[peer_batch_bytes]=$(curl -sf --max-time 10 -H 'Content-Type: application/json' -d "$body" "$url/shipments/batch-track" | wc -c)
  [ "${R[peer_get_bytes]}" -gt 100 ] && [ "${R[peer_batch_bytes]}" -gt 1000 ] || die "the peer answers wrongly (GET ${R[peer_get_bytes]} bytes, batch ${R[peer_batch_bytes]} bytes)"
  if part get; then
    record_wrk peer_get "$(run_wrk peer-get get.lua "$url" /shipments/ "$OUT/peer-ids.txt")"
  fi
  if part batch; then
    record_wrk peer_batch "$(run_wrk peer-batch batch_track.lua "$url" /shipments/batch-track "$N" 100 peer)"
  fi
  if part latency; then
    latency "$LAT_N" "$url/shipments/$id"
    R[peer_lat_get]=$LAT_MED; R[peer_lat_get_p99]=$LAT_P99; R[peer_lat_bad]=$LAT_BAD
    latency "$LAT_N" "$url/shipments/batch-track" -H 'Content-Type: application/json' --data "$body"
    R[peer_lat_batch]=$LAT_MED; R[peer_lat_batch_p99]=$LAT_P99; R[peer_lat_bad]=$((R[peer_lat_bad] + LAT_BAD))
    log "peer single request (kept-alive, $LAT_N): GET ${R[peer_lat_get]} ms (p99 ${R[peer_lat_get_p99]}), batch(100) ${R[peer_lat_batch]} ms (p99 ${R[peer_lat_batch_p99]}), non-2xx ${R[peer_lat_bad]}"
  fi
}
