# bench/lib/report.sh: the table of one run (absolute figures, ratios, targets of issue 7,
# PASS/FAIL), printed and appended to $BENCH_RESULTS with the date, commit and command.

# at_least VALUE MIN / at_most VALUE MAX -> PASS, FAIL or - (not measured)
at_least() { awk -v v="$1" -v m="$2" 'BEGIN { if (v == "" || v !~ /^[0-9.]+$/) print "-"; else print (v + 0 >= m + 0 ? "PASS" : "FAIL") }'; }
at_most() { awk -v v="$1" -v m="$2" 'BEGIN { if (v == "" || v !~ /^[0-9.]+$/) print "-"; else print (v + 0 <= m + 0 ? "PASS" : "FAIL") }'; }
both() { if [ "$1" = FAIL ] || [ "$2" = FAIL ]; then echo FAIL; elif [ "$1" = PASS ] && [ "$2" = PASS ]; then echo PASS; else echo "-"; fi; }
v() { local x=${R[$1]:-}; echo "${x:--}"; }
x() { [ -n "$1" ] && echo "${1}x" || echo "-"; }
# "errors / non-2xx" of a wrk run
en() { [ -n "${R[${1}_errors]:-}" ] && echo "${R[${1}_errors]} / ${R[${1}_non2xx]}" || echo "-"; }

# The date and commit of the run's start (the scripts and data it used).
run_identity() {
  RUN_DATE=$(date -u +%Y-%m-%dT%H:%MZ)
  RUN_COMMIT=$(git -C "$BENCH_DIR/.." rev-parse --short HEAD 2>/dev/null || echo unknown)
  local dirty; dirty=$(git -C "$BENCH_DIR/.." status --porcelain --untracked-files=no 2>/dev/null | head -1)
  [ -n "$dirty" ] && RUN_COMMIT="$RUN_COMMIT (with uncommitted changes)"
  return 0
}

report() {
  local date=$RUN_DATE commit=$RUN_COMMIT

  local get_peer get_pgb batch_peer
  # With --rounds R > 1: the median of the per-round ratios (lib/rounds.sh).
  get_peer=${R[get_peer_ratio]:-$(ratio "${R[get_rps]:-}" "${R[peer_get_rps]:-}")}
  get_pgb=$(ratio "${R[get_rps]:-}" "${R[pgbench_tps]:-}")
  batch_peer=${R[batch_peer_ratio]:-$(ratio "${R[batch_rps]:-}" "${R[peer_batch_rps]:-}")}

  # Every wrk run and every latency series, summed: the target is zero. (The rounds of
  # --rounds, R[get.1_errors] ..., are summed into R[get_errors] already.)
  local bad=0 notes="" k
  for k in "${!R[@]}"; do
    case $k in
      *.[0-9]*) ;;
      *_errors|*_non2xx|lat_bad|peer_lat_bad|analytics_*_bad|import_*_bad)
        if [[ ${R[$k]} =~ ^[0-9]+$ ]]; then bad=$((bad + R[$k])); else notes+=" ${k%_*}: ${R[$k]};"; fi ;;
    esac
  done

  {
    echo
    echo "## Harness run $date, commit $commit"
    echo
    echo "Command: \`$COMMAND\` — N = $N shipments (2 addresses, 1 parcel, 5 events each; both sides),"
    echo "wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${DURATION}s after a ${WARMUP}s warm-up, peer with $PEER_WORKERS uvicorn workers,"
    echo "single requests: $LAT_N on one kept-alive curl connection; import: $IMPORT_LINES NDJSON lines."
    if [ ${#ROUNDS_DONE[@]} -gt 0 ]; then
      if part peer; then
        echo "GET and batch-track: $ROUNDS alternated rounds, both servers up (each round the peer's wrk run, then shipd's);"
        echo "their req/s, p50 and p99 are the medians over the rounds, shipd / peer the median of the per-round ratios, errors summed, RSS under GET the max."
      else
        echo "GET and batch-track: $ROUNDS rounds; req/s, p50 and p99 are the medians over the rounds, errors summed, RSS under GET the max."
      fi
    fi
    echo "Machine: $(nproc) cores shared by PostgreSQL, the server under test and the load generator; load average before the run $LOAD_BEFORE."
    echo "shipd: \`$SHIPD_BIN\` ($("$SHIPD_BIN" version 2>/dev/null | head -1)); data loads: shipd ${R[shipd_load_s]:--} s (${R[shipd_load_detail]:--}), peer gen.py ${R[peer_load_s]:--} s."
    echo
    echo "| measure | shipd | peer | pgbench | shipd / peer | shipd / pgbench | target | errors / non-2xx | verdict |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    echo "| pgbench -S -M prepared -c16 -j2, TPS | | | $(v pgbench_tps) | | | (the ceiling) | | |"
    echo "| GET /v1/shipments/{id}, req/s | $(v get_rps) | $(v peer_get_rps) | $(v pgbench_tps) | $(x "$get_peer") | $(x "$get_pgb") | ≥ 30x peer, ≥ 0.5x pgbench | $(en get) / peer $(en peer_get) | $(both "$(at_least "$get_peer" 30)" "$(at_least "$get_pgb" 0.5)") |"
    echo "| GET p50 / p99 at $WRK_CONNECTIONS connections, ms | $(v get_p50) / $(v get_p99) | $(v peer_get_p50) / $(v peer_get_p99) | | | | p99 ≤ 10 ms | | $(at_most "${R[get_p99]:-}" 10) |"
    echo "| pgbench -S -M prepared -c$WRK_CONNECTIONS -j2: TPS, p50 / p99 ms (the database's own tail at $WRK_CONNECTIONS clients) | | | $(v pgbench_many_tps), $(v pgbench_many_p50) / $(v pgbench_many_p99) | | | (reference) | | |"
    echo "| batch-track of 100 codes, req/s | $(v batch_rps) | $(v peer_batch_rps) | | $(x "$batch_peer") | | ≥ 10x peer | $(en batch) / peer $(en peer_batch) | $(at_least "$batch_peer" 10) |"
    echo "| batch-track p50 / p99, ms | $(v batch_p50) / $(v batch_p99) | $(v peer_batch_p50) / $(v peer_batch_p99) | | | | | | |"
    echo "| single request, kept-alive: GET median / p99, ms | $(v lat_get) / $(v lat_get_p99) | $(v peer_lat_get) / $(v peer_lat_get_p99) | | | | | $(v lat_bad) / peer $(v peer_lat_bad) | |"
    echo "| single request, kept-alive: batch-track(100) median / p99, ms | $(v lat_batch) / $(v lat_batch_p99) | $(v peer_lat_batch) / $(v peer_lat_batch_p99) | | | | ≤ 2 ms (median) | | $(at_most "${R[lat_batch]:-}" 2) |"
    echo "| create shipment (simulated carrier quote), per s | $(v create_rps) | | | | | ≥ 3,000/s | $(en create) | $(at_least "${R[create_rps]:-}" 3000) |"
    echo "| create p50 / p99, ms | $(v create_p50) / $(v create_p99) | | | | | | | |"
    echo "| list page (page_size=20, half with before_id), req/s | $(v list_rps) | | | | | | $(en list) | |"
    echo "| list p50 / p99, ms | $(v list_p50) / $(v list_p99) | | | | | | | |"
    echo "| events append (1 event a request), req/s | $(v events_rps) | | | | | | $(en events) | |"
    echo "| events p50 / p99, ms | $(v events_p50) / $(v events_p99) | | | | | | | |"
    echo "| NDJSON import, POST /v1/imports/shipments, shipments/s | $(v import_http_rate) ($(v import_http_s) s) | | | | | ≥ 20,000/s | $(v import_http_bad) rejected | $(at_least "${R[import_http_rate]:-}" 20000) |"
    echo "| NDJSON import, \`shipd import FILE\`, shipments/s | $(v import_cli_rate) ($(v import_cli_s) s, ANALYZE $(v import_cli_analyze_s) s of it) | | | | | ≥ 20,000/s | $(v import_cli_bad) | $(at_least "${R[import_cli_rate]:-}" 20000) |"
    local a
    for a in "${ANALYTICS[@]}"; do
      local med=${R[analytics_$a]:-}
      if [[ $med =~ ^[0-9.]+$ ]]; then
        echo "| GET /v1/analytics/$a, single request median / p99, ms | $med / $(v analytics_${a}_p99) | | | | | ≤ 5 ms (at 1,000,000) | $(v analytics_${a}_bad) | $(at_most "$med" 5) |"
      else
        echo "| GET /v1/analytics/$a, single request | ${med:--} | | | | | ≤ 5 ms (at 1,000,000) | | - |"
      fi
    done
    echo "| shipd RSS idle, pools filled, MB | $(v rss_idle) | | | | | ≤ 40 MB | | $(at_most "${R[rss_idle]:-}" 40) |"
    echo "| shipd RSS under the GET load (max of samples), MB | $(v rss_get) | | | | | ≤ 150 MB | | $(at_most "${R[rss_get]:-}" 150) |"
    echo "| shipd peak RSS over the whole run (VmHWM), MB | $(v rss_hwm) | | | | | | | |"
    echo "| response bytes: GET / batch-track(100) | $(v shipd_get_bytes) / $(v shipd_batch_bytes) | $(v peer_get_bytes) / $(v peer_batch_bytes) | | | | | | |"
    echo "| errors and non-2xx, all runs | $bad${notes:+ ($notes )} | | | | | 0 | | $([ "$bad" = 0 ] && [ -z "$notes" ] && echo PASS || echo FAIL) |"
    rounds_table
  } > "$OUT/table.md"
  cat "$OUT/table.md"
  if [ "$BENCH_RESULTS" != "-" ]; then
    cat "$OUT/table.md" >> "$BENCH_RESULTS"
    log "appended to $BENCH_RESULTS"
  fi
}
