#!/usr/bin/env bash
# Aggregation benchmark: flowagg against DuckDB (1 and 2 threads), mawk and nfdump on the shared
# queries over one generated AWS VPC flow log v2 file:
#   q2  top 10 srcaddr by sum(bytes)                                  (a few thousand groups)
#   q4  group by (srcaddr, dstaddr, dstport): sum(bytes), sum(packets), count   (~8 M groups)
# flowagg runs on the text and on our binary format of the same records; nfdump on its own
# nfcapd file of the same flows (../shared/bench/make_nfcapd.sh makes it, when nfdump is
# installed). Answers are checked: q2 lines equal DuckDB's; q4's group count and byte total
# equal DuckDB's.
#
#   bench/agg.sh                      # 10 M lines (data shared with bench/convert.sh)
#   LINES=1000000 bench/agg.sh        # quick run
#   ONLY=q2 bench/agg.sh              # one query
#
# Knobs: LINES SEED DATA TOOLS_DIR SHARED BUILD RUNS DUCK_THREADS ONLY NFDUMP(=1 to build the
# nfcapd file if missing). Output: a Markdown table on stdout, also in $DATA/agg-table.md.
set -euo pipefail
NAME=agg.sh TOOLS=flowagg
source "$(dirname "$0")/common.sh"
ONLY=${ONLY:-q2|q4}
N=$DATA/aws${LINES}-s${SEED}.nfcapd
if [ "${NFDUMP:-0}" = 1 ] && [ ! -s "$N" ] && command -v nfcapd >/dev/null; then
  log "nfcapd file $N (NetFlow v5 replay over 127.0.0.1; takes minutes)"
  "$BENCH/make_nfcapd.sh" "$F" "$N"
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
tools=()
add() {  # name, command (prints the answer)
  echo "$2" > "$WORK/$1.sh"
  tools+=("$1")
}
have_duck=0
if command -v node >/dev/null && [ -f "$DUCKDB_NODE_API" ]; then have_duck=1; else log "DuckDB not found (bench/convert.sh installs it): skipped"; fi
# NODATA/SKIPDATA records have no bytes: every tool leaves them out (-w 'bytes is not null').
W="-w 'bytes is not null'"
if [[ q2 =~ ^($ONLY)$ ]]; then
  add q2.flowagg-text "exec '$BUILD/flowagg' $W -k srcaddr -a bytes --top 10 --no-header '$F'"
  add q2.flowagg-bin "exec '$BUILD/flowagg' $W -k srcaddr -a bytes --top 10 --no-header '$B'"
  add q2.mawk "mawk '\$10 != \"-\" && NR > 1 { s[\$4] += \$10 } END { for (k in s) printf \"%s %.0f\\n\", k, s[k] }' '$F' | sort -k2,2nr -k1,1 | head -n 10"
  [ -s "$N" ] && add q2.nfdump "nfdump -r '$N' -N -n 10 -s srcip/bytes -o csv | awk -F, 'NR > 1 && NF == 14 { print \$5, \$10 }'"
fi
if [[ q4 =~ ^($ONLY)$ ]]; then
  # The answer checked: number of groups and total bytes (the output itself is ~8 M lines).
  sum='mawk '"'"'{ n++; b += $4 } END { printf "%d %.0f\n", n, b }'"'"
  add q4.flowagg-text "'$BUILD/flowagg' $W -k srcaddr,dstaddr,dstport -a bytes,packets,count --unsorted --no-header '$F' | $sum"
  add q4.flowagg-bin "'$BUILD/flowagg' $W -k srcaddr,dstaddr,dstport -a bytes,packets,count --unsorted --no-header '$B' | $sum"
  [ -s "$N" ] && add q4.nfdump "nfdump -r '$N' -N -q -a -A srcip,dstip,dstport -o 'fmt:%sa %da %dp %byt %pkt %fl' | $sum"
fi
if [ $have_duck = 1 ]; then
  for q in q2 q4; do
    [[ $q =~ ^($ONLY)$ ]] || continue
    sed -e "s#@F@#$F#g" -e "s/header=false/header=true/" "$BENCH/sql/flows.sql" "$BENCH/sql/$q.sql" > "$WORK/$q.sql"
    post=""; quiet=""
    [ $q = q4 ] && { post=" | $sum"; quiet="-q"; }
    for t in $DUCK_THREADS; do add "$q.duckdb$t" "node '$BENCH/duckq.mjs' --threads $t $quiet -f '$WORK/$q.sql'$post"; done
  done
fi

# Answers first: a tool that answers differently is not timed as if it did the same work.
for q in q2 q4; do
  ref=""
  for t in "${tools[@]}"; do
    [[ $t == $q.* ]] || continue
    bash "$WORK/$t.sh" | tr -s ' ,\t' ' ' | sed 's/ *$//' > "$WORK/$t.out"
    if [ -z "$ref" ]; then ref=$t; continue; fi
    cmp -s "$WORK/$ref.out" "$WORK/$t.out" || { diff "$WORK/$ref.out" "$WORK/$t.out" | head -5 >&2; die "$t answers differently from $ref"; }
  done
  [ -n "$ref" ] && log "$q: every tool gives the answer of $ref ($(head -1 "$WORK/$ref.out"))"
done

for t in "${tools[@]}"; do
  log "time $t"
  hyperfine --style none --warmup 1 --runs "$RUNS" --export-json "$WORK/$t.json" "bash $WORK/$t.sh" >/dev/null
done
python3 - "$WORK" "$LINES" "$DATA/agg-table.md" "${tools[@]}" <<'PY'
import json, sys
work, lines, out, tools = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
med = {t: json.load(open(f"{work}/{t}.json"))["results"][0]["median"] for t in tools}
names = {"flowagg-text": "flowagg, AWS text", "flowagg-bin": "flowagg, binary", "mawk": "mawk, AWS text",
         "duckdb1": "DuckDB 1 thread, AWS text", "duckdb2": "DuckDB 2 threads, AWS text", "nfdump": "nfdump, own nfcapd file"}
rows = ["| query | tool | median s | M records/s | vs flowagg on text | vs flowagg on binary |", "|---|---|---:|---:|---:|---:|"]
goals = []
for q in ("q2", "q4"):
    qt = [t for t in tools if t.startswith(q + ".")]
    if not qt:
        continue
    text, binary = med.get(q + ".flowagg-text"), med.get(q + ".flowagg-bin")
    for t in qt:
        m = med[t]
        rows.append(f"| {q} | {names.get(t.split('.', 1)[1], t)} | {m:.3f} | {lines / m / 1e6:.1f} | "
                    f"{m / text:.2f}x | {m / binary:.2f}x |")
    if q + ".duckdb2" in med:
        r = med[q + ".duckdb2"] / text
        goals.append(f"{q}: DuckDB 2 threads / flowagg on text = {r:.2f}x (goal >= 2: {'met' if r >= 2 else 'NOT met'})")
    if q + ".nfdump" in med:
        r = med[q + ".nfdump"] / binary
        goals.append(f"{q}: nfdump on nfcapd / flowagg on binary = {r:.2f}x (goal >= 4: {'met' if r >= 4 else 'NOT met'})")
text = "\n".join(rows + [""] + goals) + "\n"
open(out, "w").write(text)
print(text)
PY
