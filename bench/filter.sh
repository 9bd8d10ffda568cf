#!/usr/bin/env bash
# Selection benchmark: flowfilter against mawk and DuckDB doing the same three-term selection
#   action == REJECT and dstport in {22, 3389} and protocol == tcp      -> a count
# on one generated AWS VPC flow log v2 file (the peers on the text; flowfilter on the text and
# on our binary format of the same records). Every tool's answer must agree.
#
#   bench/filter.sh                   # 10 M lines (data shared with bench/convert.sh)
#   LINES=1000000 bench/filter.sh     # quick run
#
# Knobs: LINES SEED DATA TOOLS_DIR SHARED BUILD RUNS DUCK_THREADS, as in bench/convert.sh.
# Output: a Markdown table (records/s and the ratio to flowfilter on binary) on stdout, also
# written to $DATA/filter-table.md.
set -euo pipefail
NAME=filter.sh TOOLS=flowfilter
source "$(dirname "$0")/common.sh"

EXPR='action == REJECT and dstport in {22, 3389} and protocol == tcp'
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# One script per tool: each prints the count.
cat > "$WORK/flowfilter-bin.sh" <<X
exec "$BUILD/flowfilter" -c '$EXPR' "$B"
X
cat > "$WORK/flowfilter-text.sh" <<X
exec "$BUILD/flowfilter" -c '$EXPR' "$F"
X
cat > "$WORK/mawk.sh" <<X
exec mawk '\$13 == "REJECT" && (\$7 == 22 || \$7 == 3389) && \$8 == 6 { n++ } END { print n + 0 }' "$F"
X
# Arithmetic (issue 18): its own count, checked against flowfilter on the text; goal >= 50 M records/s.
ARITH='bytes / packets > 1000'
cat > "$WORK/flowfilter-arith-bin.sh" <<X
exec "$BUILD/flowfilter" -c '$ARITH' "$B"
X
tools=(flowfilter-bin flowfilter-text)
command -v mawk >/dev/null && tools+=(mawk)
if command -v node >/dev/null && [ -f "$DUCKDB_NODE_API" ]; then
  # The shared view, but header=true: this file starts with the S3 header line.
  sed -e "s#@F@#$F#g" -e "s/header=false/header=true/" "$BENCH/sql/flows.sql" > "$WORK/q.sql"
  echo "SELECT count(*) FROM flows WHERE action = 'REJECT' AND dstport IN (22, 3389) AND protocol = 6;" >> "$WORK/q.sql"
  for t in $DUCK_THREADS; do
    echo "exec node '$BENCH/duckq.mjs' --threads $t -f '$WORK/q.sql'" > "$WORK/duckdb$t.sh"
    tools+=("duckdb$t")
  done
else
  log "DuckDB not found (run bench/convert.sh once to install it in $TOOLS_DIR): skipped"
fi

# Answers first: a tool that counts differently is not timed as if it were doing the same work.
want=$(bash "$WORK/flowfilter-text.sh")
for t in "${tools[@]}"; do
  got=$(bash "$WORK/$t.sh" | tr -dc '0-9')
  [ "$got" = "$want" ] || die "$t counted $got, flowfilter on the text $want"
done
log "all tools count $want matching records of $LINES"
arith=$(bash "$WORK/flowfilter-arith-bin.sh")
[ "$arith" = "$("$BUILD/flowfilter" -c "$ARITH" "$F")" ] ||
  die "'$ARITH' counts $arith on binary input, otherwise on the text"
tools+=(flowfilter-arith-bin)

for t in "${tools[@]}"; do
  hyperfine --style none --warmup 1 --runs "$RUNS" --export-json "$WORK/$t.json" "bash $WORK/$t.sh" >/dev/null
done
python3 - "$WORK" "$LINES" "$DATA/filter-table.md" "${tools[@]}" <<'PY'
import json, sys
work, lines, out, tools = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
med = {t: json.load(open(f"{work}/{t}.json"))["results"][0]["median"] for t in tools}
names = {"flowfilter-arith-bin": "flowfilter 'bytes / packets > 1000', binary input",
         "flowfilter-bin": "flowfilter, binary input", "flowfilter-text": "flowfilter, AWS text",
         "mawk": "mawk, AWS text", "duckdb1": "DuckDB 1 thread, AWS text", "duckdb2": "DuckDB 2 threads, AWS text"}
rows = ["| tool | median s | M records/s | time vs flowfilter on binary |", "|---|---:|---:|---:|"]
for t in tools:
    rows.append(f"| {names.get(t, t)} | {med[t]:.3f} | {lines / med[t] / 1e6:.1f} | {med[t] / med['flowfilter-bin']:.1f}x |")
goal = lines / med["flowfilter-bin"] / 1e6
rows.append("")
rows.append(f"Goal >= 30 M records/s on binary input, one core: {goal:.1f} M/s, {'met' if goal >= 30 else 'NOT met'}.")
if "flowfilter-arith-bin" in med:
    arith = lines / med["flowfilter-arith-bin"] / 1e6
    rows.append(f"Goal >= 50 M records/s for the arithmetic on binary input: {arith:.1f} M/s, "
                f"{'met' if arith >= 50 else 'NOT met'}.")
text = "\n".join(rows) + "\n"
open(out, "w").write(text)
print(text)
PY
