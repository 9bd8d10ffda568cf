#!/usr/bin/env bash
# A/B of two builds on the hot commands of every tool: each command run with the build before and
# the build after, alternated, N times; prints a Markdown table of medians and their ratio. For a
# refactoring's "the bench within noise" (ratios near 1.00), not a comparison with peers.
#
#   BEFORE=../old/build AFTER=build bench/ab.sh      # data made once in $DATA (2 M records)
#
# Knobs: BEFORE AFTER (build directories), N (runs per side, default 5), FLOWS, DATA.
set -euo pipefail
BEFORE=$(cd "${BEFORE:?BEFORE=build dir of the old version}" && pwd)
AFTER=$(cd "${AFTER:-build}" && pwd)
N=${N:-5}
FLOWS=${FLOWS:-2000000}
DATA=${DATA:-/tmp/flow-bench/ab}
mkdir -p "$DATA"
cd "$DATA"
if [ ! -s ab.log ]; then
  "$BEFORE/flowgen" --flows "$FLOWS" --seed 5 --log-version 5 -o ab.log
  "$BEFORE/flowcat" -O bin ab.log -o ab.flows
fi

median() { sort -n | sed -n "$(((N + 1) / 2))p"; }
run() {  # LABEL COMMAND (tools by name, found on PATH)
  local label=$1 cmd=$2 side bin s e
  local -a old=() new=()
  for _ in $(seq "$N"); do
    for side in old new; do
      bin=$BEFORE
      [ $side = new ] && bin=$AFTER
      s=$(date +%s.%N)
      PATH=$bin:$PATH bash -c "$cmd" >/dev/null 2>&1
      e=$(date +%s.%N)
      if [ $side = old ]; then old+=("$(echo "$e - $s" | bc)"); else new+=("$(echo "$e - $s" | bc)"); fi
    done
  done
  local a b
  a=$(printf '%s\n' "${old[@]}" | median)
  b=$(printf '%s\n' "${new[@]}" | median)
  printf '| %s | %.3f | %.3f | %.3f |\n' "$label" "$a" "$b" "$(echo "$b / $a" | bc -l)"
}

sel="action == REJECT and dstport in {22, 3389} and protocol == tcp"
echo "| command ($FLOWS records) | before (s) | after (s) | after/before |"
echo "|---|---|---|---|"
run "flowfilter -c (text)" "flowfilter -c '$sel' ab.log"
run "flowfilter -c (bin)" "flowfilter -c '$sel' ab.flows"
run "flowfilter -O bin (bin)" "flowfilter 'action == ACCEPT' -O bin ab.flows"
run "flowagg Q2 (text)" "flowagg -k srcaddr --top 10 -O csv ab.log"
run "flowagg Q2 (bin)" "flowagg -k srcaddr --top 10 -O csv ab.flows"
run "flowagg Q4 --unsorted (bin)" "flowagg -k srcaddr,dstaddr,dstport --unsorted -O csv ab.flows"
run "flowstat (bin)" "flowstat -O json ab.flows"
run "flowcat -O json (text)" "flowcat -O json ab.log"
run "flowcat --count (text)" "flowcat --count ab.log"
