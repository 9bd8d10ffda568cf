#!/usr/bin/env bash
# Parquet benchmark (issue 19's bar): Q1-Q5 of ../shared/bench with our tools on a Parquet file
# of the generated AWS v2 records, against DuckDB with 2 threads on the same file, side by side
# in one run. The Parquet file is written by DuckDB with AWS's schema (formats.md §1.6: column
# names with '_', INT32 version/ports/protocol, INT64 packets/bytes/start/end, strings, NODATA
# fields null) and GZIP, DuckDB's default row groups (122,880 rows). Answers are checked equal
# before anything is timed.
#   q1  count and sum(bytes)           q2  top 10 srcaddr by bytes
#   q3  count REJECT to port 22/3389   q4  group by srcaddr,dstaddr,dstport (groups, total bytes)
#   q5  sum(bytes) per minute of start
#
#   bench/parquet.sh                  # 10 M records
#   LINES=1000000 bench/parquet.sh    # quick run
#   ONLY='q1|q3' bench/parquet.sh
#
# Knobs: those of common.sh, ONLY, THREADS (ours, default 2). Output: a Markdown table on
# stdout, also in $DATA/parquet-table.md.
set -euo pipefail
NAME=parquet.sh TOOLS=flowagg
source "$(dirname "$0")/common.sh"
ONLY=${ONLY:-q1|q2|q3|q4|q5}
THREADS=${THREADS:-2}
P=$DATA/aws${LINES}-s${SEED}-gzip.parquet
[ -f "$DUCKDB_NODE_API" ] || die "DuckDB not found (bench/convert.sh installs it in $TOOLS_DIR)"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ ! -s "$P" ] || [ "$F" -nt "$P" ]; then
  log "DuckDB writes $P (AWS's Parquet schema, GZIP)"
  { sed -e "s#@F@#$F#g" -e "s/header=false/header=true/" "$BENCH/sql/flows.sql"
    echo "COPY (SELECT version, \"account-id\" AS account_id, \"interface-id\" AS interface_id, srcaddr, dstaddr,
      srcport, dstport, protocol, packets, bytes, start, \"end\", action, \"log-status\" AS log_status FROM flows)
      TO '$P.part' (FORMAT parquet, COMPRESSION gzip);"; } > "$WORK/write.sql"
  node "$BENCH/duckq.mjs" -f "$WORK/write.sql" >/dev/null
  mv "$P.part" "$P"
fi

tools=()
add() {  # name, command (prints the answer)
  echo "$2" > "$WORK/$1.sh"
  tools+=("$1")
}
A="'$BUILD/flowagg' --threads $THREADS --no-header -w 'bytes is not null'"
sum='mawk '"'"'{ n++; b += $4 } END { printf "%d %.0f\n", n, b }'"'"
add q1.flowagg "$A -a count,bytes '$P'"
add q2.flowagg "$A -k srcaddr -a bytes --top 10 '$P'"
add q3.flowagg "'$BUILD/flowagg' --threads $THREADS --no-header -w 'action == REJECT and dstport in {22, 3389}' -a count '$P'"
add q4.flowagg "$A -k srcaddr,dstaddr,dstport -a bytes,packets,count --unsorted '$P' | $sum"
# Bins as Unix seconds, as DuckDB's start - start % 60.
add q5.flowagg "$A -k start/1m -a bytes -O json '$P' | mawk -F'[:,}]' '{ print \$2, \$4 }' | sort -n"
for q in q1 q2 q3 q4 q5; do
  { echo "CREATE VIEW flows AS SELECT * FROM read_parquet('$P');"; cat "$BENCH/sql/$q.sql"; } > "$WORK/$q.sql"
  post=""; quiet=""
  [ $q = q4 ] && { post=" | $sum"; quiet="-q"; }
  add "$q.duckdb2" "node '$BENCH/duckq.mjs' --threads 2 $quiet -f '$WORK/$q.sql'$post"
done

# Answers first: a tool that answers differently is not timed as if it did the same work.
for q in q1 q2 q3 q4 q5; do
  [[ $q =~ ^($ONLY)$ ]] || continue
  bash "$WORK/$q.flowagg.sh" | tr -s ' ,\t' ' ' | sed 's/ *$//' > "$WORK/$q.ours"
  bash "$WORK/$q.duckdb2.sh" | tr -s ' ,\t' ' ' | sed 's/ *$//' > "$WORK/$q.duck"
  cmp -s "$WORK/$q.ours" "$WORK/$q.duck" || { diff "$WORK/$q.ours" "$WORK/$q.duck" | head -5 >&2; die "$q: flowagg answers differently from DuckDB"; }
  log "$q: same answer ($(head -1 "$WORK/$q.ours"))"
  log "time $q"
  hyperfine --style none --warmup 1 --runs "$RUNS" --export-json "$WORK/$q.json" \
    -n flowagg "bash $WORK/$q.flowagg.sh" -n duckdb2 "bash $WORK/$q.duckdb2.sh" >/dev/null
done
python3 - "$WORK" "$LINES" "$DATA/parquet-table.md" "$ONLY" "$THREADS" <<'PY'
import json, re, sys
work, lines, out, only, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
rows = [f"| query | flowagg ({threads} threads) s | DuckDB 2 threads s | DuckDB / flowagg | M records/s (ours) | bar 1.5x |",
        "|---|---:|---:|---:|---:|---|"]
for q in ("q1", "q2", "q3", "q4", "q5"):
    if not re.fullmatch(only, q):
        continue
    med = {r["command"]: r["median"] for r in json.load(open(f"{work}/{q}.json"))["results"]}
    r = med["duckdb2"] / med["flowagg"]
    rows.append(f"| {q} | {med['flowagg']:.3f} | {med['duckdb2']:.3f} | {r:.2f}x | {lines / med['flowagg'] / 1e6:.1f} | "
                f"{'met' if r >= 1.5 else 'NOT met'} |")
text = "\n".join(rows) + "\n"
open(out, "w").write(text)
print(text)
PY
