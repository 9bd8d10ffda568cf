#!/usr/bin/env bash
# Throughput of flowcat --listen under concurrent requests: CLIENTS connections at once POST
# bodies of RECORDS records, REQUESTS of them in all, to a receiver writing -o FILE in OUT (on a
# disk by default, where an fsync costs what it costs); records acknowledged per second, and the
# output is checked to hold every record acknowledged.
#
#   bench/listen.sh                              # 8 clients, 2000 requests of 100 records
#   CLIENTS=1 REQUESTS=300 bench/listen.sh       # one request at a time: an fsync each
# Knobs: CLIENTS=8 REQUESTS=2000 RECORDS=100 FORMAT=aws RUNS=3 BUILD=build OUT=/tmp
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLIENTS=${CLIENTS:-8}
REQUESTS=${REQUESTS:-2000}
RECORDS=${RECORDS:-100}
FORMAT=${FORMAT:-aws}
RUNS=${RUNS:-3}
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD;; esac
OUT=${OUT:-/tmp}
GEN=$BUILD/flowgen CAT=$BUILD/flowcat
[[ -x $GEN && -x $CAT ]] || { echo "listen.sh: build flowgen and flowcat in $BUILD first" >&2; exit 1; }
D=$(mktemp -d "$OUT/flow-listen-bench.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$D"' EXIT

"$GEN" --flows "$RECORDS" --seed 1 >"$D/body.log"
times=()
for run in $(seq "$RUNS"); do
  rm -f "$D/port" "$D/out"
  timeout 600 "$CAT" -q --listen 127.0.0.1:0 --port-file "$D/port" -O "$FORMAT" -o "$D/out" &
  pid=$!
  for _ in $(seq 200); do [ -s "$D/port" ] && break; sleep 0.05; done
  url="http://127.0.0.1:$(cat "$D/port")/"
  for _ in $(seq "$REQUESTS"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$url"; done >"$D/urls"
  start=$(date +%s.%N)
  curl -sS --no-progress-meter --parallel --parallel-immediate --parallel-max "$CLIENTS" --config "$D/urls" \
    --data-binary @"$D/body.log" -w '%{http_code}\n' >"$D/codes"
  end=$(date +%s.%N)
  kill -TERM "$pid"
  wait "$pid"
  pid=
  ok=$(grep -c '^200$' "$D/codes" || true)
  got=$("$CAT" --count "$D/out")
  [ "$got" -eq $((ok * RECORDS)) ] || { echo "listen.sh: run $run: $ok requests acknowledged, $got records written" >&2; exit 1; }
  t=$(echo "$end - $start" | bc -l)
  times+=("$t")
  printf 'run %d: %d of %d requests acknowledged in %.2f s, %.0f records/s\n' "$run" "$ok" "$REQUESTS" "$t" \
    "$(echo "$ok * $RECORDS / $t" | bc -l)"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
printf 'median: %.2f s, %.0f records/s (%d clients, %d records a request, -O %s, %s)\n' "$median" \
  "$(echo "$REQUESTS * $RECORDS / $median" | bc -l)" "$CLIENTS" "$RECORDS" "$FORMAT" "$(df --output=fstype "$D" | tail -1)"
