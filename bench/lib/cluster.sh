# bench/lib/cluster.sh: one throwaway PostgreSQL 15 cluster for the whole run (pgbench, the
# peer's database and shipd's), on 127.0.0.1 and a free port, in $TMP; the peer's bench.sh
# settings (max_connections 200, shared_buffers 256MB; BENCH_SHARED_BUFFERS sets another size for
# every side at once), durable (fsync on, the default).

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cluster_start() {
  PGPORT=$(free_port)
  local data=$TMP/pgdata
  [ "$(id -u)" = 0 ] && chown postgres: "$TMP"
  as_pg "$PGBIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-locale > "$OUT/initdb.log" 2>&1 \
    || die "initdb failed (see $OUT/initdb.log)"
  cat >> "$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$TMP'
max_connections = 200
shared_buffers = ${BENCH_SHARED_BUFFERS:-256MB}
timezone = 'UTC'
shared_preload_libraries = 'pg_stat_statements'
CONF
  as_pg "$PGBIN/pg_ctl" -D "$data" -l "$TMP/postgres.log" -w -t 60 start > /dev/null \
    || { cat "$TMP/postgres.log" >&2; die "PostgreSQL did not start"; }
  CLUSTER_DATA=$data
  export PGHOST=127.0.0.1 PGPORT PGUSER=postgres
  unset PGPASSWORD PGDATABASE
  log "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT ($data)"
}

# Blocks database $1 read from outside shared_buffers so far (the kernel's cache or disk).
blocks_read() { psql_q -d postgres -tAc "SELECT blks_read FROM pg_stat_database WHERE datname = '$1'"; }

cluster_stop() {
  [ -n "${CLUSTER_DATA:-}" ] && [ -f "$CLUSTER_DATA/postmaster.pid" ] || return 0
  as_pg "$PGBIN/pg_ctl" -D "$CLUSTER_DATA" -m fast -w -t 60 stop > /dev/null 2>&1 \
    || as_pg "$PGBIN/pg_ctl" -D "$CLUSTER_DATA" -m immediate -w stop > /dev/null 2>&1 || true
  CLUSTER_DATA=
}

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# After every data load, before anything is measured: the load's dirty pages are written now,
# not by a checkpoint (timed, or requested by the WAL volume) in the middle of a measurement.
# The same for pgbench's, the peer's and shipd's data.
settle_writes() { psql_q -d postgres -c "CHECKPOINT" || die "CHECKPOINT failed"; }

# pgbench -S -M prepared -c16 -j2: the database's own point-lookup ceiling on these cores.
run_pgbench() {
  psql_q -d postgres -c "CREATE DATABASE pgbench"
  pgbench -i -q -s "$PGBENCH_SCALE" pgbench > "$OUT/pgbench-init.txt" 2>&1 || die "pgbench -i failed"
  settle_writes
  timeout $((DURATION + 60)) pgbench -n -S -M prepared -c16 -j2 -T "$DURATION" pgbench > "$OUT/pgbench.txt" 2>&1 \
    || die "pgbench failed (see $OUT/pgbench.txt)"
  R[pgbench_tps]=$(awk '/^tps/ { printf "%.0f", $3; exit }' "$OUT/pgbench.txt")
  R[pgbench_lat]=$(awk -F'= ' '/^latency average/ { print $2 }' "$OUT/pgbench.txt")
  log "pgbench -S -M prepared -c16 -j2 -T $DURATION (scale $PGBENCH_SCALE): ${R[pgbench_tps]} TPS, latency ${R[pgbench_lat]}"
  # The database's own latency at the wrk connection count: what a p99 target at
  # $WRK_CONNECTIONS connections stands on (a sample of the transactions, per-transaction log).
  rm -f "$OUT"/pgbench-c"$WRK_CONNECTIONS".*
  timeout $((DURATION + 60)) pgbench -n -S -M prepared -c"$WRK_CONNECTIONS" -j2 -T "$DURATION" \
    -l --sampling-rate=0.25 --log-prefix="$OUT/pgbench-c$WRK_CONNECTIONS" pgbench \
    > "$OUT/pgbench-c$WRK_CONNECTIONS.txt" 2>&1 || die "pgbench -c$WRK_CONNECTIONS failed (see $OUT/pgbench-c$WRK_CONNECTIONS.txt)"
  R[pgbench_many_tps]=$(awk '/^tps/ { printf "%.0f", $3; exit }' "$OUT/pgbench-c$WRK_CONNECTIONS.txt")
  # Log lines: client transaction latency_us script_no epoch_s epoch_us.
  read -r R[pgbench_many_p50] R[pgbench_many_p99] < <(cat "$OUT"/pgbench-c"$WRK_CONNECTIONS".[0-9]* \
    | awk '{ print $3 / 1000000 }' | median_p99_ms)
  log "pgbench -S -M prepared -c$WRK_CONNECTIONS -j2: ${R[pgbench_many_tps]} TPS, p50 ${R[pgbench_many_p50]} ms, p99 ${R[pgbench_many_p99]} ms"
  psql_q -d postgres -c "DROP DATABASE pgbench"
}
