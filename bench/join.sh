#!/usr/bin/env bash
# Conversation benchmark: flowjoin --stitch and --dedup on flowgen's records (version 5: tcp-flags
# and pkt-* addresses, the data stitching is for; the shared generator's random 5-tuples have no
# connections to stitch), beside the nearest query a peer can run: DuckDB grouping the same text
# by protocol and the unordered pair of endpoints, with bytes each way. That query does less (it
# neither ties a NAT gateway's legs to the instance nor splits a connection idle for longer than
# --idle), so its count differs a little; both counts are printed.
#
#   bench/join.sh                   # 10 M records
#   RECORDS=1000000 bench/join.sh   # quick run
#
# Knobs: RECORDS, and DATA TOOLS_DIR SHARED BUILD RUNS DUCK_THREADS as in bench/convert.sh.
# Output: a Markdown table on stdout, also written to $DATA/join-table.md.
set -euo pipefail
NAME=join.sh TOOLS="flowjoin flowgen"
LINES=${LINES:-200000}  # common.sh's shared text file is not used here: keep it small
source "$(dirname "$0")/common.sh"

RECORDS=${RECORDS:-10000000}
G=$DATA/flowgen-v5-$RECORDS.log
GB=$G.flowbin
if [ ! -s "$G" ] || [ "$BUILD/flowgen" -nt "$G" ]; then
  log "flowgen --flows $RECORDS --log-version 5 -> $G"
  "$BUILD/flowgen" --seed 1 --flows "$RECORDS" --log-version 5 --scenario all -o "$G"
  "$BUILD/flowcat" -O bin "$G" -o "$GB"
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/stitch-text.sh" <<X
exec "$BUILD/flowjoin" -q --stitch -O bin -o "$WORK/conv.flows" "$G"
X
cat > "$WORK/stitch-bin.sh" <<X
exec "$BUILD/flowjoin" -q --stitch -O bin -o "$WORK/conv.flows" "$GB"
X
cat > "$WORK/dedup-bin.sh" <<X
exec "$BUILD/flowjoin" -q --dedup -O bin -o "$WORK/dedup.flows" "$GB"
X
tools=(stitch-text stitch-bin dedup-bin)
if command -v node >/dev/null && [ -f "$DUCKDB_NODE_API" ]; then
  cat > "$WORK/q.sql" <<X
CREATE VIEW flows AS SELECT * FROM read_csv('$G', delim=' ', header=true, auto_detect=true, nullstr='-', quote='', escape='');
SELECT count(*) FROM (
  SELECT protocol, least(a, b) AS lo, greatest(a, b) AS hi,
         sum(CASE WHEN a < b THEN bytes ELSE 0 END) AS lo_to_hi, sum(CASE WHEN a < b THEN 0 ELSE bytes END) AS hi_to_lo
  FROM (SELECT protocol, bytes, concat("pkt-srcaddr", ':', srcport) AS a, concat("pkt-dstaddr", ':', dstport) AS b
        FROM flows WHERE "log-status" = 'OK')
  GROUP BY ALL);
X
  for t in $DUCK_THREADS; do
    echo "exec node '$BENCH/duckq.mjs' --threads $t -f '$WORK/q.sql'" > "$WORK/duckdb$t.sh"
    tools+=("duckdb$t")
  done
else
  log "DuckDB not found (run bench/convert.sh once to install it in $TOOLS_DIR): skipped"
fi

bash "$WORK/stitch-bin.sh"
conversations=$("$BUILD/flowcat" --count "$WORK/conv.flows")
log "flowjoin: $conversations conversations from $RECORDS records"
[ -f "$WORK/duckdb1.sh" ] && log "DuckDB endpoint-pair groups: $(bash "$WORK/duckdb1.sh" | tr -dc '0-9')"

for t in "${tools[@]}"; do
  /usr/bin/time -f "%M" -o "$WORK/$t.rss" bash "$WORK/$t.sh" >/dev/null
  hyperfine --style none --warmup 1 --runs "$RUNS" --export-json "$WORK/$t.json" "bash $WORK/$t.sh" >/dev/null
done
python3 - "$WORK" "$RECORDS" "$DATA/join-table.md" "${tools[@]}" <<'PY'
import json, sys
work, n, out, tools = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
med = {t: json.load(open(f"{work}/{t}.json"))["results"][0]["median"] for t in tools}
rss = {t: int(open(f"{work}/{t}.rss").read().split()[-1]) // 1024 for t in tools}
names = {"stitch-text": "flowjoin --stitch, AWS text", "stitch-bin": "flowjoin --stitch, binary",
         "dedup-bin": "flowjoin --dedup, binary", "duckdb1": "DuckDB 1 thread, endpoint-pair group-by, text",
         "duckdb2": "DuckDB 2 threads, endpoint-pair group-by, text"}
rows = ["| tool | median s | M records/s | peak RSS MB | time vs flowjoin --stitch on text |", "|---|---:|---:|---:|---:|"]
for t in tools:
    rows.append(f"| {names.get(t, t)} | {med[t]:.2f} | {n / med[t] / 1e6:.2f} | {rss[t]} | {med[t] / med['stitch-text']:.2f}x |")
text = "\n".join(rows) + "\n"
open(out, "w").write(text)
print(text)
PY
