#!/usr/bin/env bash
# flowgen throughput: records per second written as binary (the issue's bar: >= 5 M/s on one
# core), beside AWS text, and beside flowcat re-encoding the same records (the binary writer's
# own cost), so the generator's share can be read off.
#
#   bench/gen.sh                 # 10 M records, median of 3
#   RECORDS=1000000 bench/gen.sh # quick run
# Knobs: RECORDS=10000000 RUNS=3 BUILD=build OUT=/dev/shm (a tmpfs: the disk is not measured)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RECORDS=${RECORDS:-10000000}
RUNS=${RUNS:-3}
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD;; esac
OUT=${OUT:-/dev/shm}
GEN=$BUILD/flowgen CAT=$BUILD/flowcat
[[ -x $GEN && -x $CAT ]] || { echo "gen.sh: build flowgen and flowcat in $BUILD first" >&2; exit 1; }
F=$OUT/flowgen-bench-$$.flows
trap 'rm -f "$F" "$F.2"' EXIT

# Median wall seconds of RUNS runs of a command.
median() {
  local t times=()
  for ((i = 0; i < RUNS; i++)); do
    t=$( { TIMEFORMAT=%R; time "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1)
    times+=("$t")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p"
}
rate() { awk -v n="$RECORDS" -v s="$1" 'BEGIN { printf "%.2f M/s", n / s / 1e6 }'; }

"$GEN" --flows "$RECORDS" -O bin -o "$F"
echo "| task | command | median s | records/s |"
echo "|---|---|---:|---:|"
row() {  # name, command...
  local name=$1; shift
  local s; s=$(median "$@")
  echo "| $name | \`${*/#$BUILD\//}\` | $s | $(rate "$s") |"
}
row "generate -> binary" "$GEN" --flows "$RECORDS" -O bin -o "$F.2"
row "generate -> AWS text" "$GEN" --flows "$RECORDS" -o "$F.2"
row "generate, nothing written (--fields version)" "$GEN" --flows "$RECORDS" -O bin --fields version -o "$F.2"
row "binary -> binary (flowcat)" "$CAT" -O bin "$F" -o "$F.2"
row "binary -> count (flowcat)" "$CAT" --count "$F"
echo
echo "binary: $(stat -c %s "$F") bytes, $(awk -v b="$(stat -c %s "$F")" -v n="$RECORDS" 'BEGIN { printf "%.1f", b / n }') bytes a record"
