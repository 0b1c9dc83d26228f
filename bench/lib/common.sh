# bench/lib/common.sh: logging, free ports, processes the harness started, number helpers.
# Sourced by bench/run.sh.

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" | tee -a "$OUT/run.log" >&2; }
die() { log "ERROR: $*"; exit 1; }

# A TCP port free on 127.0.0.1 now (the kernel's choice).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Results: R[name]=value, read by the report.
declare -gA R=()

# Processes this run started (pid or -pgid), ended by cleanup in reverse order.
STARTED=()
started() { STARTED+=("$1"); }
forget() {
  local keep=() p
  for p in "${STARTED[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  STARTED=("${keep[@]}")
}
# Ends one process (pid) or process group (-pgid) we started: TERM, wait up to 10 s, KILL.
stop_started() {
  local target=$1 pid=${1#-}
  kill -TERM -- "$target" 2>/dev/null || { forget "$target"; return 0; }
  for _ in $(seq 1 50); do kill -0 -- "$target" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "$target" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  forget "$target"
}

# Division and formatting in awk (bash has integers only).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print ""; else printf "%.2f", a / b }'; }
# "ms_values..." on stdin, one a line (seconds) -> "median p99" in ms
median_p99_ms() {
  sort -g | awk '{ a[NR] = $1 } END {
    if (NR == 0) { print "- -"; exit }
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    i = int(NR * 0.99 + 0.999); if (i > NR) i = NR; if (i < 1) i = 1
    printf "%.3f %.3f\n", m * 1000, a[i] * 1000 }'
}
# key=value from a "RESULT k=v k=v" line
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }

# Single-request latency on ONE kept-alive connection: N requests by one curl (it reuses the
# connection), time_total of each. Args: N URL [curl options...]. Sets LAT_MED and LAT_P99 (ms)
# and LAT_BAD (answers outside 2xx, or missing).
latency() {
  local n=$1 url=$2; shift 2
  local args=(-s --max-time 120 -w '%{http_code} %{time_total}\n' "$@")
  local i
  for ((i = 0; i < n; i++)); do args+=(-o /dev/null "$url"); done
  curl "${args[@]}" > "$OUT/latency.tmp" || true
  LAT_BAD=$(awk '$1 < 200 || $1 > 299' "$OUT/latency.tmp" | wc -l)
  LAT_BAD=$((LAT_BAD + n - $(wc -l < "$OUT/latency.tmp")))
  read -r LAT_MED LAT_P99 < <(awk '{ print $2 }' "$OUT/latency.tmp" | median_p99_ms)
}

# wrk with the harness's settings (-t$WRK_THREADS -c$WRK_CONNECTIONS), a warm-up first.
# Args: NAME SCRIPT URL [script args...]. Prints the RESULT line (also in $OUT/wrk-NAME.txt).
run_wrk() {
  local name=$1 script=$2 url=$3; shift 3
  local wrk=(wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" --timeout 10s -s "$BENCH_DIR/wrk/$script")
  if [ "$WARMUP" -gt 0 ]; then
    LUA_PATH="$BENCH_DIR/wrk/?.lua;;" timeout $((WARMUP + 30)) "${wrk[@]}" -d"${WARMUP}s" "$url" -- "$@" \
      > "$OUT/wrk-$name-warmup.txt" 2>&1 || true
  fi
  LUA_PATH="$BENCH_DIR/wrk/?.lua;;" timeout $((DURATION + 30)) "${wrk[@]}" -d"${DURATION}s" "$url" -- "$@" \
    > "$OUT/wrk-$name.txt" 2>&1 || true
  local line; line=$(grep -m1 '^RESULT' "$OUT/wrk-$name.txt" || true)
  [ -n "$line" ] || { log "wrk $name printed no result:"; cat "$OUT/wrk-$name.txt" >&2; line="RESULT requests=0 errors=- non2xx=- rps=0"; }
  echo "$line"
}

# Stores a wrk RESULT line under R[PREFIX_rps|p50|p99|errors|non2xx|statuses] and logs it.
record_wrk() {
  local prefix=$1 line=$2
  R[${prefix}_rps]=$(field "$line" rps); R[${prefix}_p50]=$(field "$line" p50_ms)
  R[${prefix}_p99]=$(field "$line" p99_ms); R[${prefix}_errors]=$(field "$line" errors)
  R[${prefix}_non2xx]=$(field "$line" non2xx); R[${prefix}_statuses]=$(field "$line" statuses)
  R[${prefix}_requests]=$(field "$line" requests)
  # wrk 4 counts a timeout only when the late answer arrives: a server that never answers
  # inside the window shows 0 requests and 0 errors. That is a failure, not a quiet zero.
  [ "${R[${prefix}_requests]:-0}" = 0 ] && R[${prefix}_errors]="no answer"
  log "$prefix: ${R[${prefix}_rps]} req/s, p50 ${R[${prefix}_p50]} ms, p99 ${R[${prefix}_p99]} ms," \
      "requests ${R[${prefix}_requests]}, errors ${R[${prefix}_errors]}, non-2xx ${R[${prefix}_non2xx]} (${R[${prefix}_statuses]})"
}

# CPU time (clock ticks, user + system) of process group $1's processes so far; 0 without one.
group_ticks() {
  [ -n "${1:-}" ] || { echo 0; return; }
  local t=0 p
  for p in $(pgrep -g "$1" 2>/dev/null); do
    t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}

part() { [[ ",$BENCH_PARTS," == *",$1,"* ]]; }
