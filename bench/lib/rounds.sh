# bench/lib/rounds.sh: --rounds R > 1. The VM's speed drifts by ±20-40 % over minutes, so a
# peer run and a shipd run minutes apart give a ratio that moves more than the changes being
# measured. With both servers up, each round runs the peer's wrk then shipd's, back to back;
# the table takes the median over the rounds (req/s, p50, p99 and the per-round ratio) and
# lists each round below it. Sourced by bench/run.sh.

# Numbers on stdin, one a line (anything else is skipped) -> their median ("" if none): the
# middle one as given when the count is odd, the mean of the middle two (printf FORMAT) when even.
median() {
  local fmt=${1:-%.2f}
  grep -E '^[0-9]+(\.[0-9]+)?$' | sort -g | awk -v fmt="$fmt" '{ a[NR] = $1 } END {
    if (NR == 0) exit
    if (NR % 2) print a[(NR + 1) / 2]; else printf fmt "\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }' || true
}

# R[PREFIX.i_FIELD] of rounds 1..ROUNDS, one a line.
each_round() { local i; for ((i = 1; i <= ROUNDS; i++)); do echo "${R[$1.${i}_$2]:-}"; done; }

# Folds the rounds of a wrk measure (PREFIX: get, batch, peer_get, peer_batch) into
# R[PREFIX_*], which the table reads: the median of req/s, p50 and p99; requests, errors and
# non-2xx summed over every round (a round without a number, e.g. "no answer", is named after
# the sum: "0, round 2: no answer", which the table counts as a failure).
fold_rounds() {
  local p=$1 f i val sum note
  R[${p}_rps]=$(each_round "$p" rps | median %.1f)
  R[${p}_p50]=$(each_round "$p" p50 | median)
  R[${p}_p99]=$(each_round "$p" p99 | median)
  for f in requests errors non2xx; do
    sum=0 note=
    for ((i = 1; i <= ROUNDS; i++)); do
      val=${R[$p.${i}_$f]:-}
      if [[ $val =~ ^[0-9]+$ ]]; then sum=$((sum + val)); else note+="${note:+, }round $i: ${val:--}"; fi
    done
    R[${p}_$f]=${note:+$sum, }${note:-$sum}
  done
  log "$p, median of $ROUNDS rounds: ${R[${p}_rps]} req/s, p50 ${R[${p}_p50]} ms, p99 ${R[${p}_p99]} ms," \
      "requests ${R[${p}_requests]}, errors ${R[${p}_errors]}, non-2xx ${R[${p}_non2xx]}"
}

# R rounds of one measure (get or batch): each round the peer's wrk run (when the peer is
# measured), then shipd's, each after its warm-up; then the medians. Both servers are up.
run_rounds() {
  local m=$1 i
  for ((i = 1; i <= ROUNDS; i++)); do
    log "$m: round $i of $ROUNDS"
    if part peer; then "peer_${m}_run" "$i"; fi
    "shipd_${m}_run" "$i"
    R[${m}_ratio.$i]=$(ratio "${R[$m.${i}_rps]:-}" "${R[peer_$m.${i}_rps]:-}")
  done
  if part peer; then fold_rounds "peer_$m"; fi
  fold_rounds "$m"
  R[${m}_peer_ratio]=$(for ((i = 1; i <= ROUNDS; i++)); do echo "${R[${m}_ratio.$i]:-}"; done | median)
  if [ -n "${R[${m}_peer_ratio]}" ]; then log "$m: shipd / peer, median of the per-round ratios: ${R[${m}_peer_ratio]}x"; fi
  if [ "$m" = get ]; then
    R[rss_get]=$(for ((i = 1; i <= ROUNDS; i++)); do echo "${R[rss_get.$i]:-}"; done | sort -g | tail -1)
  fi
  ROUNDS_DONE+=("$m")
}
ROUNDS_DONE=()

# The table of the rounds (markdown), below the main table: empty when no rounds ran.
rounds_table() {
  [ ${#ROUNDS_DONE[@]} -gt 0 ] || return 0
  local m i name
  echo
  echo "Rounds ($(part peer && echo "each: the peer's wrk run, then shipd's; ")the GET and batch-track rows above are the medians):"
  echo
  echo "| part | round | peer req/s | shipd req/s | shipd / peer | shipd p99, ms |"
  echo "| --- | --- | --- | --- | --- | --- |"
  for m in "${ROUNDS_DONE[@]}"; do
    name=$([ "$m" = get ] && echo GET || echo batch-track)
    for ((i = 1; i <= ROUNDS; i++)); do
      echo "| $name | $i | $(v "peer_$m.${i}_rps") | $(v "$m.${i}_rps") | $(x "${R[${m}_ratio.$i]:-}") | $(v "$m.${i}_p99") |"
    done
  done
}
