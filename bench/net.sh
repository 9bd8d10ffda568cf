#!/usr/bin/env bash
# Loopback throughput of the network path: flowgen -> flowcat --post -> flowcat --listen, records
# per second end to end with zero loss (the records received are compared with those sent).
#
#   bench/net.sh                     # 1 M records, batches of 5000, median of 3
#   RECORDS=200000 RUNS=1 bench/net.sh
# Knobs: RECORDS=1000000 BATCH=5000 RUNS=3 GZIP= (set to --gzip) BUILD=build OUT=/dev/shm
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RECORDS=${RECORDS:-1000000}
BATCH=${BATCH:-5000}
RUNS=${RUNS:-3}
GZIP=${GZIP:-}
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD;; esac
OUT=${OUT:-/dev/shm}
GEN=$BUILD/flowgen CAT=$BUILD/flowcat
[[ -x $GEN && -x $CAT ]] || { echo "net.sh: build flowgen and flowcat in $BUILD first" >&2; exit 1; }
D=$(mktemp -d "$OUT/flow-net-bench.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$D"' EXIT

"$GEN" --flows "$RECORDS" --seed 1 -O bin -o "$D/in.flows"
"$CAT" --no-header "$D/in.flows" | sort >"$D/sent"
times=()
for run in $(seq "$RUNS"); do
  rm -f "$D/port" "$D/out.flows"
  timeout 600 "$CAT" -q --listen 127.0.0.1:0 --port-file "$D/port" -O bin -o "$D/out.flows" &
  pid=$!
  for _ in $(seq 200); do [ -s "$D/port" ] && break; sleep 0.05; done
  start=$(date +%s.%N)
  timeout 600 "$CAT" -q --post "http://127.0.0.1:$(cat "$D/port")/" --batch-records "$BATCH" --batch-bytes 64M $GZIP "$D/in.flows"
  end=$(date +%s.%N)
  kill -TERM "$pid"
  wait "$pid"
  pid=
  "$CAT" --no-header "$D/out.flows" | sort | cmp -s - "$D/sent" || { echo "net.sh: run $run: records lost or changed" >&2; exit 1; }
  t=$(echo "$end - $start" | bc -l)
  times+=("$t")
  printf 'run %d: %d records in %.2f s, %.0f records/s, none lost\n' "$run" "$RECORDS" "$t" "$(echo "$RECORDS / $t" | bc -l)"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
printf 'median: %.2f s, %.0f records/s (batches of %d%s)\n' "$median" "$(echo "$RECORDS / $median" | bc -l)" "$BATCH" "${GZIP:+, gzip}"
