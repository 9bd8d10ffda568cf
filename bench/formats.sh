#!/usr/bin/env bash
# Throughput of each input reader: the same generated flows as AWS text and converted to each
# cloud's format (bench/formats.py), read with `flowcat --count` (every field parsed and
# checked, nothing written). Prints a Markdown table of records/s and MB/s (median of RUNS).
#
#   bench/formats.sh                  # 1 M flows (~1 min to generate on 2 cores)
#   FLOWS=200000 RUNS=3 bench/formats.sh
# Knobs: FLOWS=1000000 RUNS=3 DATA=/tmp/flow-bench/formats BUILD=build
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FLOWS=${FLOWS:-1000000}
RUNS=${RUNS:-3}
DATA=${DATA:-/tmp/flow-bench/formats}
BUILD=${BUILD:-$ROOT/build}
flowcat=$BUILD/flowcat
[[ -x $flowcat ]] || { echo "formats.sh: $flowcat not built" >&2; exit 1; }
mkdir -p "$DATA"

aws=$DATA/aws$FLOWS.log
[[ -s $aws ]] || "$BUILD/flowgen" --flows "$FLOWS" --duration 1d -o "$aws"
for kind in cwl lambda firehose gcp nsg vnet; do
  f=$DATA/$kind$FLOWS.json
  [[ -s $f ]] || python3 "$ROOT/bench/formats.py" "$kind" <"$aws" >"$f"
done

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
echo "| reader | input | records | MB | median s | records/s | MB/s |"
echo "|---|---|---:|---:|---:|---:|---:|"
for kind in aws cwl lambda firehose gcp nsg vnet; do
  case $kind in
    aws) f=$aws name="AWS text (baseline)" ;;
    cwl) f=$DATA/cwl$FLOWS.json name="CloudWatch Logs envelopes (100 events each)" ;;
    lambda) f=$DATA/lambda$FLOWS.json name="Lambda events (base64 of gzip)" ;;
    firehose) f=$DATA/firehose$FLOWS.json name="Firehose {\"message\"} lines" ;;
    gcp) f=$DATA/gcp$FLOWS.json name="GCP LogEntry JSON Lines" ;;
    nsg) f=$DATA/nsg$FLOWS.json name="Azure NSG v2 blobs (C tuples: 2 records each)" ;;
    vnet) f=$DATA/vnet$FLOWS.json name="Azure VNet blobs (C tuples: 2 records each)" ;;
  esac
  records=$("$flowcat" -q --count "$f")
  times=()
  for ((i = 0; i < RUNS; i++)); do
    s=$(date +%s.%N)
    "$flowcat" -q --count "$f" >/dev/null
    e=$(date +%s.%N)
    times+=("$(echo "$e - $s" | bc)")
  done
  t=$(printf '%s\n' "${times[@]}" | median)
  mb=$(echo "scale=1; $(stat -c %s "$f") / 1000000" | bc)
  printf '| %s | %s | %s | %s | %.3f | %.0f | %.0f |\n' "$kind" "$name" "$records" "$mb" "$t" \
    "$(echo "$records / $t" | bc -l)" "$(echo "$mb / $t" | bc -l)"
done
