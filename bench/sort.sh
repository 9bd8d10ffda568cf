#!/usr/bin/env bash
# Sort benchmark: flowcat --sort start against GNU sort (-s -n -k11,11, the start column) and
# DuckDB (ORDER BY start) on one generated AWS VPC flow log v2 text file, text in and text out;
# flowcat also from our binary format, and with --memory small enough that it sorts in runs
# spilled to disk and merges them. GNU sort's output (stable, header kept first) must equal
# flowcat's byte for byte.
#
#   bench/sort.sh                     # 10 M lines (data shared with bench/convert.sh)
#   LINES=1000000 bench/sort.sh       # quick run
#
# Knobs: LINES SEED DATA TOOLS_DIR SHARED BUILD RUNS DUCK_THREADS, as in bench/convert.sh;
# SPILL=64Mi, the --memory of the spilled run. Output: a Markdown table (median s, M records/s,
# time as a ratio to flowcat on the text) on stdout, also written to $DATA/sort-table.md.
set -euo pipefail
NAME=sort.sh TOOLS=flowcat
source "$(dirname "$0")/common.sh"
SPILL=${SPILL:-64Mi}

WORK=$(mktemp -d "$DATA/sort.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# One script per tool: each writes the sorted records to its standard output.
cat >"$WORK/flowcat-text.sh" <<X
exec "$BUILD/flowcat" --sort start "$F"
X
cat >"$WORK/flowcat-bin.sh" <<X
exec "$BUILD/flowcat" --sort start "$B"
X
cat >"$WORK/flowcat-spill.sh" <<X
exec "$BUILD/flowcat" --sort start --memory $SPILL --tmpdir "$WORK" "$F"
X
# GNU sort with flowcat's memory (256 MiB) on one thread, and as it comes (its own threads).
cat >"$WORK/sort1.sh" <<X
{ head -1 "$F"; tail -n +2 "$F" | sort -s -n -k11,11 -S 256M --parallel=1 -T "$WORK"; }
X
cat >"$WORK/sort.sh" <<X
{ head -1 "$F"; tail -n +2 "$F" | sort -s -n -k11,11 -T "$WORK"; }
X
tools=(flowcat-text flowcat-bin flowcat-spill sort1 sort)
tools+=($(duck_scripts duckdb "COPY (SELECT * FROM flows ORDER BY start) TO '/dev/stdout' (FORMAT CSV, DELIMITER ' ', HEADER false);"))

# Answers first: flowcat's order is GNU sort's stable order, spilled or not, from text or binary.
bash "$WORK/sort1.sh" >"$WORK/want"
for t in flowcat-text flowcat-bin flowcat-spill; do
  bash "$WORK/$t.sh" | cmp -s - "$WORK/want" || die "$t: not GNU sort -s's order"
done
log "flowcat's output equals GNU sort -s -n -k11,11 on $LINES records"
rm -f "$WORK/want"

for t in "${tools[@]}"; do
  hyperfine --style none --warmup 1 --runs "$RUNS" --export-json "$WORK/$t.json" "bash $WORK/$t.sh >/dev/null" >/dev/null
  /usr/bin/time -f %M -o "$WORK/$t.rss" bash "$WORK/$t.sh" >/dev/null
done
python3 - "$WORK" "$LINES" "$DATA/sort-table.md" "$SPILL" "${tools[@]}" <<'PY'
import json, sys
work, lines, out, spill, tools = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]
med = {t: json.load(open(f"{work}/{t}.json"))["results"][0]["median"] for t in tools}
rss = {t: int(open(f"{work}/{t}.rss").read().split()[-1]) / 1024 for t in tools}
names = {"flowcat-text": "flowcat --sort start, AWS text", "flowcat-bin": "flowcat --sort start, binary input",
         "flowcat-spill": f"flowcat --sort start --memory {spill} (runs on disk), AWS text",
         "sort1": "GNU sort -s -n -k11,11 -S 256M --parallel=1", "sort": "GNU sort -s -n -k11,11 (its threads)",
         "duckdb1": "DuckDB 1 thread, ORDER BY start", "duckdb2": "DuckDB 2 threads, ORDER BY start"}
rows = ["| tool | median s | M records/s | peak RSS MB | time vs flowcat on text |", "|---|---:|---:|---:|---:|"]
for t in tools:
    rows.append(f"| {names.get(t, t)} | {med[t]:.2f} | {lines / med[t] / 1e6:.2f} | {rss[t]:.0f} | "
                f"{med[t] / med['flowcat-text']:.2f}x |")
text = "\n".join(rows) + "\n"
open(out, "w").write(text)
print(text)
PY
