# bench/lib/shipd.sh: shipd ($SHIPD_BIN) on the same cluster: schema by `shipd migrate up`,
# data by bench/data/shipd.sql (set-based, the peer's shape and codes), a key by
# `shipd keys create`, then `shipd serve` on 127.0.0.1 and a free port, measured part by part.

SHIPD_PID=

SHIPD_ENV=()
shipd_env() { env "${SHIPD_ENV[@]}" "$@"; }

shipd_load() {
  psql_q -d postgres -c "CREATE DATABASE shipd"
  SHIPD_DB_URL="postgresql://postgres@127.0.0.1:$PGPORT/shipd"
  # Only what the benchmark decides; everything else is shipd's default (or the caller's env).
  # No access log (the peer runs without one either); no background work during the runs.
  SHIPD_ENV=(DATABASE_URL="$SHIPD_DB_URL" SHIPD_HOST=127.0.0.1 SHIPD_ENV_FILE=/dev/null
             SHIPD_ACCESS_LOG="${SHIPD_ACCESS_LOG:-false}" SIMULATED_TRACKING=off
             SHIPD_ANALYTICS_REFRESH_S="${SHIPD_ANALYTICS_REFRESH_S:-86400}")
  (cd "$TMP" && shipd_env "$SHIPD_BIN" migrate up) > "$OUT/shipd-migrate.log" 2>&1 \
    || { cat "$OUT/shipd-migrate.log" >&2; die "shipd migrate up failed"; }
  local t0; t0=$(date +%s.%N)
  timeout 3600 psql -X -q -v ON_ERROR_STOP=1 -v n="$N" -d shipd -f "$BENCH_DIR/data/shipd.sql" \
    > "$OUT/shipd-load.log" 2>&1 || { cat "$OUT/shipd-load.log" >&2; die "loading bench/data/shipd.sql failed"; }
  local t1; t1=$(date +%s.%N)
  # Every materialized view (the analytics ones, whatever their names), and their record.
  psql_q -d shipd > "$OUT/shipd-refresh.log" 2>&1 <<'SQL' || die "refreshing the views failed"
DO $$
DECLARE v record;
BEGIN
  FOR v IN SELECT schemaname, matviewname FROM pg_matviews WHERE schemaname = current_schema() LOOP
    EXECUTE format('REFRESH MATERIALIZED VIEW %I.%I', v.schemaname, v.matviewname);
  END LOOP;
  IF to_regclass('analytics_refreshes') IS NOT NULL THEN
    UPDATE analytics_refreshes SET refreshed_at = now();
  END IF;
END $$;
SQL
  local t2; t2=$(date +%s.%N)
  psql_q -d shipd -c "VACUUM ANALYZE" || die "VACUUM ANALYZE failed"
  local t3; t3=$(date +%s.%N)
  settle_writes  # not counted in the load time (the peer's is not either)
  R[shipd_load_s]=$(awk -v a="$t0" -v b="$t3" 'BEGIN { printf "%.1f", b - a }')
  R[shipd_load_detail]=$(awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" \
    'BEGIN { printf "insert %.1f s, refresh views %.1f s, VACUUM ANALYZE %.1f s", b - a, c - b, d - c }')
  log "shipd data (bench/data/shipd.sql): $N shipments in ${R[shipd_load_s]} s (${R[shipd_load_detail]})"
  grep -E '^Time:' "$OUT/shipd-load.log" | sed 's/^/  /' >&2 || true
  SHIPD_KEY=$(cd "$TMP" && shipd_env "$SHIPD_BIN" keys create --name bench --admin 2> "$OUT/shipd-key.log") \
    || die "shipd keys create failed"
  psql_q -d shipd -Atc "SELECT id FROM shipments ORDER BY random() LIMIT 20000" > "$OUT/ids.txt"
}

shipd_start() {
  SHIPD_PORT=$(free_port)
  (cd "$TMP" && exec env "${SHIPD_ENV[@]}" SHIPD_PORT="$SHIPD_PORT" "$SHIPD_BIN" serve) > "$OUT/shipd-serve.out" 2> "$OUT/shipd-serve.err" &
  SHIPD_PID=$!
  started "$SHIPD_PID"
  for _ in $(seq 1 150); do
    grep -q "shipd is ready" "$OUT/shipd-serve.out" 2>/dev/null && break
    kill -0 "$SHIPD_PID" 2>/dev/null || break
    sleep 0.2
  done
  grep -q "shipd is ready" "$OUT/shipd-serve.out" || { cat "$OUT/shipd-serve.err" >&2; die "shipd serve did not start"; }
  SHIPD_URL="http://127.0.0.1:$SHIPD_PORT"
  sleep 2  # pools filled
  curl -sf --max-time 10 "$SHIPD_URL/health" > "$OUT/shipd-health.json" || true
}

shipd_stop() {
  [ -n "$SHIPD_PID" ] && stop_started "$SHIPD_PID"
  SHIPD_PID=
}

rss_mb() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$SHIPD_PID/status" 2>/dev/null; }
hwm_mb() { awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$SHIPD_PID/status" 2>/dev/null; }

# RSS every 0.25 s into a file while a measurement runs; the maximum is read afterwards.
RSS_SAMPLER=
rss_sampler_start() {
  ( while kill -0 "$SHIPD_PID" 2>/dev/null; do rss_mb; echo; sleep 0.25; done ) > "$OUT/rss-$1.txt" &
  RSS_SAMPLER=$!
  started "$RSS_SAMPLER"
}
rss_sampler_stop() {
  stop_started "$RSS_SAMPLER"
  RSS_SAMPLER=
  sort -g "$OUT/rss-$1.txt" | tail -1
}

AUTH=()
# Checks that shipd answers the same work as the peer and reads RSS idle. Sets AUTH, SHIPD_ID
# and SHIPD_BODY for the measurements.
shipd_prepare() {
  local url=$SHIPD_URL
  AUTH=(-H "Authorization: Bearer $SHIPD_KEY")
  SHIPD_ID=$(head -1 "$OUT/ids.txt")
  SHIPD_BODY=$(awk -v n="$N" 'BEGIN { srand(5); printf "{\"tracking_codes\":["; for (i = 1; i <= 100; i++) printf "%s\"TRK%010d\"", (i > 1 ? "," : ""), 1 + int(rand() * n); print "]}" }')
  R[shipd_get_bytes]=$(curl -sf --max-time 10 "${AUTH[@]}" "$url/v1/shipments/$SHIPD_ID" | wc -c)
  R[shipd_batch_bytes]=$(curl -sf --max-time 10 "${AUTH[@]}" -H 'Content-Type: application/json' -d "$SHIPD_BODY" "$url/v1/shipments/batch-track" | tee "$OUT/batch-sample.json" | wc -c)
  local found; found=$(grep -o '"tracking_code"' "$OUT/batch-sample.json" | wc -l)
  [ "${R[shipd_get_bytes]}" -gt 100 ] && [ "$found" -eq 100 ] \
    || die "shipd answers wrongly (GET ${R[shipd_get_bytes]} bytes, batch-track found $found of 100 codes)"

  R[rss_idle]=$(rss_mb)
  log "shipd RSS idle (pools filled): ${R[rss_idle]} MB"
}

# One wrk run (after its warm-up) of GET (RSS sampled during it) / batch-track; ROUND
# (optional) names a round of --rounds: results under R[get.ROUND_*] and R[rss_get.ROUND],
# output in wrk-get-rROUND.txt.
shipd_get_run() {
  local r=${1:-}
  rss_sampler_start "get${r:+-r$r}"
  local read0 peer0; read0=$(blocks_read shipd) peer0=$(group_ticks "${PEER_PGID:-}")
  record_wrk "get${r:+.$r}" "$(run_wrk "get${r:+-r$r}" get.lua "$SHIPD_URL" /v1/shipments/ "$OUT/ids.txt" "$SHIPD_KEY")"
  local read1 peer1; read1=$(blocks_read shipd) peer1=$(group_ticks "${PEER_PGID:-}")
  R[rss_get${r:+.$r}]=$(rss_sampler_stop "get${r:+-r$r}")
  local peer_cpu=
  [ -n "${PEER_PGID:-}" ] && peer_cpu="; CPU the idle peer's processes used meanwhile: $(awk -v t=$((peer1 - peer0)) \
    -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }') s"
  log "shipd RSS under the GET load (max of samples): ${R[rss_get${r:+.$r}]} MB; blocks PostgreSQL read" \
      "from outside shared_buffers (warm-up and run): $((read1 - read0))$peer_cpu"
}
shipd_batch_run() {
  local r=${1:-}
  record_wrk "batch${r:+.$r}" "$(run_wrk "batch${r:+-r$r}" batch_track.lua "$SHIPD_URL" /v1/shipments/batch-track "$N" 100 shipd "$SHIPD_KEY")"
}

# The parts after GET and batch-track, in order; last, VmHWM.
shipd_rest() {
  local url=$SHIPD_URL
  if part latency; then
    latency "$LAT_N" "$url/v1/shipments/$SHIPD_ID" "${AUTH[@]}"
    R[lat_get]=$LAT_MED; R[lat_get_p99]=$LAT_P99; R[lat_bad]=$LAT_BAD
    latency "$LAT_N" "$url/v1/shipments/batch-track" "${AUTH[@]}" -H 'Content-Type: application/json' --data "$SHIPD_BODY"
    R[lat_batch]=$LAT_MED; R[lat_batch_p99]=$LAT_P99; R[lat_bad]=$((R[lat_bad] + LAT_BAD))
    log "shipd single request (kept-alive, $LAT_N): GET ${R[lat_get]} ms (p99 ${R[lat_get_p99]}), batch(100) ${R[lat_batch]} ms (p99 ${R[lat_batch_p99]}), non-2xx ${R[lat_bad]}"
  fi
  if part list; then
    record_wrk list "$(run_wrk list list.lua "$url" "$OUT/ids.txt" "$SHIPD_KEY")"
  fi
  if part analytics; then shipd_analytics; fi
  if part events; then
    record_wrk events "$(run_wrk events events.lua "$url" "$OUT/ids.txt" "$SHIPD_KEY")"
  fi
  if part create; then
    record_wrk create "$(run_wrk create create.lua "$url" "$SHIPD_KEY")"
  fi
  if part import; then shipd_import; fi
  R[rss_hwm]=$(hwm_mb)
}

# Everything of shipd in one go (--rounds 1).
shipd_measure() {
  shipd_prepare
  if part get; then shipd_get_run; fi
  if part batch; then shipd_batch_run; fi
  shipd_rest
}

# The analytics reads answer 200 once their routes exist (a parallel branch builds them);
# until then each is "not available".
ANALYTICS=(daily-volume carrier-performance costs)
shipd_analytics() {
  local a code
  for a in "${ANALYTICS[@]}"; do
    code=$(curl -s --max-time 30 -o "$OUT/analytics-$a.json" -w '%{http_code}' "${AUTH[@]}" "$SHIPD_URL/v1/analytics/$a")
    if [ "$code" != 200 ]; then
      R[analytics_$a]="not available (HTTP $code)"
      log "analytics $a: not available (HTTP $code)"
      continue
    fi
    latency "$LAT_N" "$SHIPD_URL/v1/analytics/$a" "${AUTH[@]}"
    R[analytics_$a]=$LAT_MED; R[analytics_${a}_p99]=$LAT_P99; R[analytics_${a}_bad]=$LAT_BAD
    log "analytics $a (kept-alive, $LAT_N): median $LAT_MED ms, p99 $LAT_P99 ms, non-2xx $LAT_BAD"
  done
}

# NDJSON import: the same generated file through POST /v1/imports/shipments and `shipd import`.
shipd_import() {
  local file=$OUT/import.ndjson
  awk -v n="$IMPORT_LINES" 'BEGIN {
    split("New York,Austin,Seattle,Chicago,Miami,Denver", city, ",")
    split("NY,TX,WA,IL,FL,CO", st, ","); split("10001,78701,98101,60601,33131,80202", zip, ",")
    for (i = 1; i <= n; i++) {
      a = 1 + i % 6; b = 1 + (i * 7) % 6
      printf "{\"reference\":\"import-%d\",\"from_address\":{\"name\":\"Ada Lovelace\",\"street1\":\"%d Main St\",\"city\":\"%s\",\"state\":\"%s\",\"zip\":\"%s\",\"country\":\"US\"},\"to_address\":{\"name\":\"Alan Turing\",\"street1\":\"%d Oak Ave\",\"city\":\"%s\",\"state\":\"%s\",\"zip\":\"%s\",\"country\":\"US\"},\"parcel\":{\"length\":%d,\"width\":%d,\"height\":%d,\"weight\":%.1f}}\n", \
        i, 1 + i % 9000, city[a], st[a], zip[a], 1 + (i * 13) % 9000, city[b], st[b], zip[b], 4 + i % 20, 4 + i % 12, 2 + i % 10, 1 + (i % 1600) / 10
    }
  }' > "$file"
  local t0 t1 code
  t0=$(date +%s.%N)
  code=$(curl -s --max-time 1800 -o "$OUT/import-http.json" -w '%{http_code}' "${AUTH[@]}" \
    -H 'Content-Type: application/x-ndjson' --data-binary "@$file" "$SHIPD_URL/v1/imports/shipments")
  t1=$(date +%s.%N)
  local accepted; accepted=$(grep -o '"accepted":[0-9]*' "$OUT/import-http.json" | cut -d: -f2)
  R[import_http_s]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  R[import_http_rate]=$(awk -v n="${accepted:-0}" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
  R[import_http_bad]=$((IMPORT_LINES - ${accepted:-0}))
  [ "$code" = 201 ] || [ "$code" = 200 ] || R[import_http_bad]="HTTP $code"
  log "import over HTTP: $IMPORT_LINES lines, HTTP $code, accepted ${accepted:-0} in ${R[import_http_s]} s = ${R[import_http_rate]} shipments/s"

  # The route answers, then ANALYZEs the tables in the background (SHIPD_IMPORT_ANALYZE_ROWS);
  # the CLI's run must not share the database with that statement, nor with its writes.
  local waited=0 analyze_rows=${SHIPD_IMPORT_ANALYZE_ROWS:-10000}  # shipd's default
  if [ "$analyze_rows" -gt 0 ] && [ "${accepted:-0}" -ge "$analyze_rows" ]; then
    until [ "$(psql_q -d shipd -tA -c "SELECT coalesce(last_analyze >= to_timestamp($t0), false)
                                        FROM pg_stat_user_tables WHERE relname = 'shipments'")" = t ]; do
      [ $waited -lt 600 ] || die "the import route's ANALYZE did not finish within 60 s"
      sleep 0.1; waited=$((waited + 1))
    done
  fi
  settle_writes

  t0=$(date +%s.%N)
  local rc=0
  (cd "$TMP" && shipd_env timeout 1800 "$SHIPD_BIN" import "$file") > "$OUT/import-cli.log" 2>&1 || rc=$?
  t1=$(date +%s.%N)
  R[import_cli_s]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  R[import_cli_rate]=$(awk -v n="$IMPORT_LINES" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
  R[import_cli_bad]=$([ "$rc" = 0 ] && echo 0 || echo "exit $rc")
  # Its own account: the lines stored in X s, then the planner statistics (ANALYZE) in Y s.
  R[import_cli_analyze_s]=$(sed -n 's/^planner statistics refreshed.* in \([0-9.]*\) s$/\1/p' "$OUT/import-cli.log")
  log "import by the CLI: $IMPORT_LINES lines, exit $rc, in ${R[import_cli_s]} s = ${R[import_cli_rate]} shipments/s" \
      "(process start and ANALYZE's ${R[import_cli_analyze_s]:-?} s included)"
}
