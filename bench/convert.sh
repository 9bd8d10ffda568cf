#!/usr/bin/env bash
# Conversion benchmark: flowcat against the tools users would run instead
# (mawk, Miller, DuckDB) on one generated AWS VPC flow log v2 text file.
#
#   bench/convert.sh                    # 10 M lines (~1.13 GB), ~15-25 min on 2 cores
#   LINES=1000000 bench/convert.sh      # quick run
#   OURS=0 LINES=200000 bench/convert.sh   # peers only (no flowcat needed)
#
# Tasks (each tool doing the same work; GB/s is always text bytes / median s):
#   parse     text -> count of records   flowcat --count | mawk count | mawk count+sum
#                                         | DuckDB count(*)+sum(bytes) | wc -l (reference)
#   tobin     text -> flowbin file       flowcat -O bin -o (no peer)
#   bincount  flowbin -> count           flowcat --count FILE.flowbin
#   bintext   flowbin -> text            flowcat FILE.flowbin | gzip -dc FILE.gz (reference:
#                                         getting text back from what S3 delivers)
#   json      text -> JSON Lines         flowcat -O json | mawk printf | Miller | DuckDB COPY
# plus sizes (text, gzip -6, flowbin) and flowcat's peak RSS, then a Markdown
# table with the goals marked met / not met, also written to $DATA/convert-table.md.
#
# Knobs (environment):
#   LINES=10000000 SEED=1             data size (the file is cached in $DATA and reused)
#   DATA=/tmp/flow-bench/data         data + results (WORK=$DATA/convert-<name>)
#   TOOLS_DIR=/tmp/flow-bench/tools   where DuckDB's npm package lives (as run_baselines.sh)
#   SHARED=<root>/../shared           the shared bench material (gen_aws.py, sql/, duckq.mjs)
#   BUILD=build                       flowcat is $BUILD/flowcat (relative to the project root)
#   OURS=1                            0: time the peers only (flowcat not needed)
#   RUNS=3  SLOW_RUNS=1  SLOW="mlr"   hyperfine runs; tools in SLOW get SLOW_RUNS
#   DUCK_THREADS="1 2"                DuckDB thread counts to time
#   ONLY='regex'                      only tasks/tools whose "task.tool" name matches
#   SAMPLE=20000                      records in the JSON semantic cross-check
#   INSTALL=1                         0: do not apt-get / npm install missing tools
#   HF_OUTPUT=null                    hyperfine --output (null or pipe)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$(cd "${SHARED:-$ROOT/../shared}" && pwd)
BENCH=$SHARED/bench
LINES=${LINES:-10000000}
SEED=${SEED:-1}
DATA=${DATA:-/tmp/flow-bench/data}
TOOLS_DIR=${TOOLS_DIR:-/tmp/flow-bench/tools}
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD;; esac
FLOWCAT=$BUILD/flowcat
OURS=${OURS:-1}
RUNS=${RUNS:-3}; SLOW_RUNS=${SLOW_RUNS:-1}; SLOW=${SLOW:-mlr}
DUCK_THREADS=${DUCK_THREADS:-1 2}
ONLY=${ONLY:-}
SAMPLE=${SAMPLE:-20000}
INSTALL=${INSTALL:-1}
HF_OUTPUT=${HF_OUTPUT:-null}
NAME=aws${LINES}-s${SEED}-hdr
WORK=${WORK:-$DATA/convert-$NAME}
F=$DATA/$NAME.log              # text (S3 style: header line first)
G=$F.gz                        # gzip -6 copy: what S3 delivers
B=$F.flowbin                   # our binary format of the same records
export LC_ALL=C                # byte semantics: mawk is faster and sorts/compares stay stable
export DUCKDB_NODE_API=${DUCKDB_NODE_API:-$TOOLS_DIR/duckdb/node_modules/@duckdb/node-api/lib/index.js}
log() { echo "[$(date +%T)] $*" >&2; }
die() { echo "convert.sh: error: $*" >&2; exit 1; }

# Fail before any expensive step when our binary is missing: a benchmark of
# the peers alone must be asked for explicitly (OURS=0).
if [ "$OURS" = 1 ] && [ ! -x "$FLOWCAT" ]; then
  die "$FLOWCAT not found or not executable.
  Build it first (cmake -B build && cmake --build build -j2), point BUILD= at
  the build directory, or run the peers only with OURS=0."
fi

# ------------------------------------------------------------------ install
# hyperfine, python3 and gzip are required; a peer that stays missing after
# the install attempt is skipped with a note in the table, not a failure.
NOTES=()
if [ "$INSTALL" = 1 ]; then
  need=""
  for p in hyperfine:hyperfine mawk:mawk mlr:miller; do
    command -v "${p%%:*}" >/dev/null || need="$need ${p#*:}"
  done
  [ -x /usr/bin/time ] || need="$need time"
  if [ -n "$need" ]; then
    log "apt-get install$need"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need; } >&2 \
      || log "WARNING: apt-get install$need failed"
  fi
  if command -v node >/dev/null && command -v npm >/dev/null && [ ! -f "$DUCKDB_NODE_API" ]; then
    log "npm install @duckdb/node-api in $TOOLS_DIR/duckdb"
    mkdir -p "$TOOLS_DIR/duckdb"
    (cd "$TOOLS_DIR/duckdb" && { [ -f package.json ] || npm init -y >/dev/null; } \
      && npm install --no-audit --no-fund @duckdb/node-api) >&2 \
      || log "WARNING: npm install @duckdb/node-api failed"
  fi
fi
for t in hyperfine python3 gzip; do command -v $t >/dev/null || die "$t is required"; done
[ -x /usr/bin/time ] || die "/usr/bin/time is required for peak RSS (apt-get install time)"
HAVE_MAWK=0; command -v mawk >/dev/null && HAVE_MAWK=1 || NOTES+=("mawk not installed: mawk peers skipped")
HAVE_MLR=0;  command -v mlr  >/dev/null && HAVE_MLR=1  || NOTES+=("Miller not installed: Miller peer skipped")
HAVE_DUCK=0
if command -v node >/dev/null && [ -f "$DUCKDB_NODE_API" ] \
   && node "$BENCH/duckq.mjs" "select 1" >/dev/null 2>&1; then
  HAVE_DUCK=1
else
  NOTES+=("DuckDB unavailable (needs node + npm package @duckdb/node-api in $TOOLS_DIR/duckdb): DuckDB peers skipped")
fi

# --------------------------------------------------------------------- data
# Write to a temporary name and rename, so an interrupted run never leaves a
# truncated file that later runs would reuse.
mkdir -p "$DATA" "$WORK"/{cmds,hf,rss,answers,sql,tmp}
if [ ! -s "$F" ]; then
  log "generate $F ($LINES lines, seed $SEED)"
  python3 "$BENCH/gen_aws.py" --lines "$LINES" --seed "$SEED" --header --jobs 2 -o "$F.part"
  mv "$F.part" "$F"
fi
if [ ! -s "$G" ] || [ "$F" -nt "$G" ]; then
  log "gzip -6 copy $G"
  gzip -6 -c "$F" > "$G.part" && mv "$G.part" "$G"   # = gzip -6 -k, but atomic
fi
# The binary format is still changing, so remake the flowbin whenever the
# flowcat binary is newer than it.
# flowcat is being written while this runs: a failing conversion is reported
# in the table (and in the exit status) instead of hiding the other results.
if [ "$OURS" = 1 ] && { [ ! -s "$B" ] || [ "$FLOWCAT" -nt "$B" ] || [ "$F" -nt "$B" ]; }; then
  log "flowcat -O bin $F -o $B"
  rm -f "$B"
  "$FLOWCAT" -O bin "$F" -o "$B" 2> "$WORK/mkbin.err" \
    || { cat "$WORK/mkbin.err" >&2; rm -f "$B"
         NOTES+=("flowcat -O bin failed, no .flowbin: $(head -1 "$WORK/mkbin.err")"); }
fi

# ------------------------------------------------------------ command files
# One small script per task.tool, like shared/bench/queries.sh, so that every
# command is timed, RSS-measured and answer-checked the same way.
# Placeholders: @F@ text, @G@ gzip, @B@ flowbin, @FC@ flowcat, @T@ scratch dir.
rm -f "$WORK"/cmds/*.sh "$WORK"/hf/*.json "$WORK"/rss/*.rss "$WORK"/answers/*
w() {  # w TASK.TOOL KIND <<'EOF' command EOF ; KIND says how check_run reads the answer
  [ -n "$ONLY" ] && ! [[ $1 =~ $ONLY ]] && { cat >/dev/null; return 0; }
  sed -e "s#@F@#$F#g" -e "s#@G@#$G#g" -e "s#@B@#$B#g" -e "s#@FC@#$FLOWCAT#g" \
      -e "s#@T@#$WORK/tmp#g" -e "s#@BENCH@#$BENCH#g" > "$WORK/cmds/$1.sh"
  echo "$2" > "$WORK/cmds/$1.kind"
}
FIELDS='version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'

if [ "$OURS" = 1 ]; then
w parse.flowcat out <<'EOF'
exec @FC@ --count @F@
EOF
w tobin.flowcat file <<'EOF'
exec @FC@ -O bin @F@ -o @T@/out.flowbin
EOF
w bincount.flowcat out <<'EOF'
exec @FC@ --count @B@
EOF
w bintext.flowcat same <<'EOF'
exec @FC@ @B@
EOF
w json.flowcat lines <<'EOF'
exec @FC@ -O json @F@
EOF
fi

# References: how fast the bytes can be read at all / text regained from gzip.
w parse.wc out <<'EOF'
exec wc -l @F@
EOF
w bintext.gzip same <<'EOF'
exec gzip -dc @G@
EOF

if [ "$HAVE_MAWK" = 1 ]; then
# NR > 1 skips the header line everywhere; '-' in NODATA rows adds 0 to the sum.
w parse.mawk out <<'EOF'
exec mawk 'NR > 1 { n++ } END { print n }' @F@
EOF
# count+sum: the peer has to split fields, as a real parser does
w parse.mawk-sum out <<'EOF'
exec mawk 'NR > 1 { n++; b += $10 } END { printf "%d %.0f\n", n, b }' @F@
EOF
# queries.sh q6: fast printf path for ordinary rows, per-field path for rows with '-'
w json.mawk lines <<EOF
exec mawk 'BEGIN { n = split("$FIELDS", h, " ")
              num[1] = num[6] = num[7] = num[8] = num[9] = num[10] = num[11] = num[12] = 1 }
  NR == 1 { next }
  index(\$0, " - ") == 0 {
    printf "{\"version\":%s,\"account-id\":\"%s\",\"interface-id\":\"%s\",\"srcaddr\":\"%s\",\"dstaddr\":\"%s\",\"srcport\":%s,\"dstport\":%s,\"protocol\":%s,\"packets\":%s,\"bytes\":%s,\"start\":%s,\"end\":%s,\"action\":\"%s\",\"log-status\":\"%s\"}\n", \$1, \$2, \$3, \$4, \$5, \$6, \$7, \$8, \$9, \$10, \$11, \$12, \$13, \$14
    next }
  { o = "{"
    for (i = 1; i <= n; i++) {
      v = \$i
      if (v == "-") v = "null"; else if (!num[i]) v = "\"" v "\""
      o = o (i > 1 ? "," : "") "\"" h[i] "\":" v }
    print o "}" }' @F@
EOF
fi

if [ "$HAVE_MLR" = 1 ]; then
# queries.sh q6, plus 'filter NR > 1' to drop the header line (one verb, no extra pass)
w json.mlr lines <<EOF
exec mlr --inidx --ifs ' ' --ojsonl label ${FIELDS// /,} then put 'filter NR > 1; for (k, v in \$*) { if (v == "-") { \$[k] = json_parse("null") } } \$["account-id"] = string(\$["account-id"])' @F@
EOF
fi

if [ "$HAVE_DUCK" = 1 ]; then
# shared sql/flows.sql, but header=true: this file starts with the S3 header
sed -e "s#@F@#$F#g" -e 's/header=false/header=true/' "$BENCH/sql/flows.sql" > "$WORK/sql/flows.sql"
# count(*) over all records (NODATA too) so the count matches flowcat --count
{ cat "$WORK/sql/flows.sql"; echo 'SELECT count(*), sum(bytes) FROM flows;'; } > "$WORK/sql/parse.sql"
{ cat "$WORK/sql/flows.sql"; cat "$BENCH/sql/q6.sql"; } > "$WORK/sql/json.sql"
for t in $DUCK_THREADS; do
  echo "exec node @BENCH@/duckq.mjs --threads $t -f $WORK/sql/parse.sql" | w parse.duckdb$t out
  echo "exec node @BENCH@/duckq.mjs --threads $t -q -f $WORK/sql/json.sql" | w json.duckdb$t lines
done
fi

shopt -s nullglob
CMDS=("$WORK"/cmds/*.sh)
[ ${#CMDS[@]} -gt 0 ] || die "no commands to run (ONLY='$ONLY' matched nothing?)"

# ------------------------------------------------------------ machine info
{
  echo "date: $(date -u +%FT%TZ)"
  echo "cpu: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "flowcat: $([ "$OURS" = 1 ] && echo "$FLOWCAT ($(date -u -r "$FLOWCAT" +%FT%TZ))" || echo "not run (OURS=0)")"
  [ "$HAVE_MAWK" = 1 ] && echo "mawk: $(mawk -W version 2>&1 | head -1)"
  [ "$HAVE_MLR" = 1 ] && echo "miller: $(mlr --version)"
  [ "$HAVE_DUCK" = 1 ] && echo "duckdb: $(node "$BENCH/duckq.mjs" "select version()") via @duckdb/node-api on node $(node --version)"
  echo "hyperfine: $(hyperfine --version)"
} > "$WORK/machine.txt"
cat "$WORK/machine.txt" >&2

# ---------------------------------------------------------- check + timing
# The untimed check run of each command is also its warmup run (page cache,
# binaries), so hyperfine itself runs --warmup 0: with 2 cores shared with
# compiles, every full pass over a GB counts.
log "warming page cache"
WARM=("$F" "$G"); [ -f "$B" ] && WARM+=("$B")
cat "${WARM[@]}" > /dev/null

check_run() {  # check_run NAME : run once, keep the answer in answers/NAME.txt
  local c=$WORK/cmds/$1.sh a=$WORK/answers/$1.txt e=$WORK/answers/$1.err st=0 ps
  if grep -q "$B" "$c" && [ ! -s "$B" ]; then
    echo "not run: no .flowbin (flowcat -O bin failed)" > "$WORK/answers/$1.failed"; return 1
  fi
  case $(cat "$WORK/cmds/$1.kind") in
    out)   bash "$c" 2>"$e" > "$a" || st=$? ;;
    lines) set +e; bash "$c" 2>"$e" | wc -l > "$a"; st=${PIPESTATUS[0]}; set -e ;;
    same)  # byte-compare with the text file; cmp stops at the first difference,
           # so the producer may then die of SIGPIPE (141): not an error here
           set +e; bash "$c" 2>"$e" | cmp -s - "$F"; ps=("${PIPESTATUS[@]}"); set -e
           if [ "${ps[1]}" = 0 ]; then echo "identical to text" > "$a"
           else echo "DIFFERS from text" > "$a"; [ "${ps[0]}" = 141 ] || st=${ps[0]}; fi ;;
    file)  bash "$c" 2>"$e" > /dev/null || st=$?
           local o=$WORK/tmp/out.flowbin
           if [ -f "$o" ] && cmp -s "$o" "$B"; then echo "$(stat -c %s "$o") bytes, same as .flowbin"
           else echo "$(stat -c %s "$o" 2>/dev/null || echo 0) bytes, differs from .flowbin"; fi > "$a" ;;
  esac
  if [ "$st" != 0 ]; then
    echo "convert.sh: error: $1 failed (exit $st): $(head -3 "$c")" >&2
    sed 's/^/  stderr: /' "$e" | head -5 >&2
    echo "failed (exit $st): $(grep -v '^Try ' "$e" | head -1)" > "$WORK/answers/$1.failed"
    return 1
  fi
}

FAILED=()
for c in "${CMDS[@]}"; do
  name=$(basename "$c" .sh); tool=${name#*.}
  runs=$RUNS; slow=0
  case " $SLOW " in *" $tool "*) runs=$SLOW_RUNS; slow=1;; esac
  if [ "$slow" = 1 ]; then
    # Miller needs ~30 s per million lines: a full extra pass only to count
    # its output lines is not worth it; its records are checked on the sample
    # below, and the page cache is already warm.
    echo "(full-file check skipped: slow tool)" > "$WORK/answers/$name.txt"
  else
    log "check + warm $name"
    if ! check_run "$name"; then FAILED+=("$name"); continue; fi
  fi
  log "time $name ($runs runs)"
  if ! hyperfine --style basic --warmup 0 --runs "$runs" --output="$HF_OUTPUT" --command-name "$name" \
         --export-json "$WORK/hf/$name.json" \
         "/usr/bin/time -f %M -a -o $WORK/rss/$name.rss bash $c" >&2; then
    echo "failed under hyperfine (non-zero exit)" > "$WORK/answers/$name.failed"
    rm -f "$WORK/hf/$name.json"; FAILED+=("$name")
  fi
  rm -f "$WORK"/tmp/*
done

# ------------------------------------------------- JSON semantic cross-check
# Line counts over the full file say every record came out; this says the
# records are the same (keys, numbers vs strings, '-' as null), on the first
# $SAMPLE records, parsed, against mawk's output (the shared q6 reference).
S=$WORK/sample.log
head -n $((SAMPLE + 1)) "$F" > "$S"
[ -f "$WORK/sql/json.sql" ] && sed "s#$F#$S#g" "$WORK/sql/json.sql" > "$WORK/sql/sample-json.sql"
JSON_CMDS=()
for c in "$WORK"/cmds/json.*.sh; do
  name=$(basename "$c" .sh)
  [ -f "$WORK/answers/$name.failed" ] && continue
  JSON_CMDS+=("$name")
  # same command, pointed at the sample (DuckDB: at a copy of its SQL that reads the sample)
  sed "s#$F#$S#g; s#$WORK/sql/json.sql#$WORK/sql/sample-json.sql#g" "$c" > "$WORK/tmp/sample.sh"
  bash "$WORK/tmp/sample.sh" > "$WORK/answers/$name.sample.jsonl" 2>/dev/null || true
done
python3 - "$WORK/answers" "$SAMPLE" "${JSON_CMDS[@]}" > "$WORK/answers/json-sample.txt" <<'PY'
import json, os, sys
d, n, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def load(name):
    with open(os.path.join(d, name + ".sample.jsonl")) as f:
        return [json.loads(l) for l in f if l.strip()]
ref = "json.mawk" if "json.mawk" in names else (names[0] if names else None)
if ref:
    want = load(ref)
    for name in names:
        if name == ref:
            print(f"{name}\treference ({len(want)} records)")
            continue
        try:
            got = load(name)
        except (ValueError, OSError) as e:
            print(f"{name}\tDIFFERS: not JSON Lines ({e})")
            continue
        bad = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b), None)
        if bad is None and len(got) == len(want):
            print(f"{name}\tsame as {ref} on {len(want)} records")
        elif bad is None:
            print(f"{name}\tDIFFERS: {len(got)} records vs {len(want)}")
        else:
            a, b = want[bad], got[bad]
            k = next((k for k in sorted(set(a) | set(b)) if a.get(k, "<missing>") != b.get(k, "<missing>")), "?")
            print(f"{name}\tDIFFERS at record {bad + 1}, key {k}: {b.get(k, '<missing>')!r} vs {a.get(k, '<missing>')!r}")
PY
rm -f "$WORK"/tmp/*

# ----------------------------------------------------------------- summary
printf '%s\n' "${NOTES[@]+"${NOTES[@]}"}" > "$WORK/notes.txt"
python3 - "$WORK" "$F" "$G" "$B" "$LINES" "$OURS" > "$WORK/convert-table.md" <<'PY'
import json, os, re, statistics, sys
work, text, gz, binf, lines, ours = sys.argv[1:7]
lines, ours = int(lines), ours == "1"
size = os.path.getsize(text)
GB = 1e9

def read(p, default=""):
    try:
        with open(p) as f:
            return f.read().strip()
    except OSError:
        return default

res = {}
for fn in sorted(os.listdir(os.path.join(work, "hf"))):
    name = fn[:-5]
    times = json.load(open(os.path.join(work, "hf", fn)))["results"][0]["times"]
    rss = [int(x) for x in read(os.path.join(work, "rss", name + ".rss")).split() if x.isdigit()]
    res[name] = dict(med=statistics.median(times), mn=min(times), mx=max(times), n=len(times),
                     rss=max(rss) * 1024 / 1e6 if rss else None,
                     ans=read(os.path.join(work, "answers", name + ".txt")))

def ints(s):
    return [int(x) for x in re.findall(r"\d+", s)]

def first_int(s):
    return (ints(s) or [None])[0]

# answers that must agree: record counts (parse, bincount, JSON lines)
for name, r in res.items():
    task, tool = name.split(".", 1)
    flag = ""
    if task in ("parse", "bincount", "json") and tool != "wc" and not r["ans"].startswith("("):
        if first_int(r["ans"]) != lines:
            flag = f" ⚠ expected {lines}"
    if task == "bintext" and r["ans"] != "identical to text":
        flag = " ⚠"
    r["flag"] = flag
# count+sum peers must also agree on the sum of bytes
sums = {n: ints(r["ans"])[1] for n, r in res.items() if n.startswith("parse.") and len(ints(r["ans"])) == 2}
if len(set(sums.values())) > 1:
    for n in sums:
        res[n]["flag"] += " ⚠ sums differ"
failed = {fn[:-7]: read(os.path.join(work, "answers", fn))
          for fn in os.listdir(os.path.join(work, "answers")) if fn.endswith(".failed")}
sample = dict(l.split("\t", 1) for l in read(os.path.join(work, "answers", "json-sample.txt")).splitlines() if "\t" in l)

TASKS = [("parse", "text → records (count)"), ("tobin", "text → flowbin"),
         ("bincount", "flowbin → records (count)"), ("bintext", "flowbin → text"),
         ("json", "text → JSON Lines")]
ORDER = ["flowcat", "wc", "gzip", "mawk", "mawk-sum", "mlr", "duckdb1", "duckdb2"]
SHOW = {"wc": "wc -l (reference)", "gzip": "gzip -dc of .gz (reference)", "mawk": "mawk",
        "mawk-sum": "mawk count+sum", "mlr": "Miller", "duckdb1": "DuckDB 1 thread",
        "duckdb2": "DuckDB 2 threads"}
out = []
out.append("# flowcat conversion benchmark\n")
out.append("```\n" + read(os.path.join(work, "machine.txt")) + "\n```\n")
out.append(f"Input: `{text}`: {lines:,} records + header, {size:,} bytes ({size / GB:.2f} GB). "
           "Page cache warm; hyperfine median wall seconds; GB/s = text bytes / median "
           "(also for the flowbin-input tasks, so rows compare); peer / ours = peer median / "
           "flowcat median for the same task (> 1: flowcat is faster).\n")

sz = [("text", size), ("gzip -6", os.path.getsize(gz))]
if ours and os.path.exists(binf):
    sz.append(("flowbin", os.path.getsize(binf)))
out.append("## Sizes\n")
out.append("| file | bytes | bytes/record | × gzip -6 |")
out.append("|---|---:|---:|---:|")
for k, v in sz:
    out.append(f"| {k} | {v:,} | {v / lines:.1f} | {v / sz[1][1]:.2f} |")

out.append("\n## Times\n")
out.append("| task | tool | runs | median s | min–max s | GB/s | peer / ours | peak RSS MB | answer |")
out.append("|---|---|---:|---:|---:|---:|---:|---:|---|")
for task, label in TASKS:
    rows = sorted((n for n in list(res) + list(failed) if n.split(".")[0] == task),
                  key=lambda n: ORDER.index(n.split(".", 1)[1]) if n.split(".", 1)[1] in ORDER else 99)
    our = res.get(task + ".flowcat")
    for n in rows:
        tool = n.split(".", 1)[1]
        if n in failed:
            out.append(f"| {label} | {SHOW.get(tool, tool)} | 0 | – | – | – | – | – | **{failed[n]}** |")
            continue
        r = res[n]
        if tool == "wc":
            r["ans"] = r["ans"].split()[0] + " lines"
        show = "mawk count" if n == "parse.mawk" else SHOW.get(tool, tool)
        ratio = "–" if tool == "flowcat" or not our else f"{r['med'] / our['med']:.2f}"
        ans = r["ans"].replace("\n", " ")[:40] + r["flag"]
        if n in sample:
            ans += "; JSON " + sample[n]
        out.append(f"| {label} | {show} | {r['n']} | {r['med']:.3f} | {r['mn']:.3f}–{r['mx']:.3f} | "
                   f"{size / r['med'] / GB:.2f} | {ratio} | "
                   f"{'–' if r['rss'] is None else '%.1f' % r['rss']} | {ans} |")

if ours:
    def med(n):
        return res[n]["med"] if n in res else None
    goals = []
    def goal(what, target, value, ok):
        goals.append(f"| {what} | {target} | {value} | {'**met**' if ok else '**not met**'} |")
    def missing(*names):  # a goal whose measurement failed counts as not met
        why = [f"{n}: {failed.get(n, 'not run')}" for n in names if n not in res]
        return "not measured (" + "; ".join(why) + ")" if why else None
    if len(sz) == 3:
        q = sz[2][1] / sz[1][1]
        goal("flowbin size", "≤ 0.6 × gzip -6", f"{q:.3f} × ({sz[2][1] / lines:.1f} B/record)", q <= 0.6)
    else:
        goal("flowbin size", "≤ 0.6 × gzip -6", "not measured (no .flowbin)", False)
    m = missing("parse.flowcat")
    v = m or size / med("parse.flowcat") / GB
    goal("text parse speed (`--count`)", "≥ 1 GB/s", m or f"{v:.2f} GB/s", not m and v >= 1)
    m = missing("parse.flowcat", "bincount.flowcat")
    v = m or med("parse.flowcat") / med("bincount.flowcat")
    goal("flowbin → records vs text → records", "≥ 5× faster", m or f"{v:.1f}×", not m and v >= 5)
    peers = {n: res[n]["med"] for n in res if n.startswith("json.") and n != "json.flowcat"}
    m = missing("json.flowcat") or (None if peers else "not measured (no peer)")
    if m:
        goal("text → JSON vs fastest peer", "≥ 3× faster", m, False)
    else:
        best = min(peers, key=peers.get)
        v = peers[best] / med("json.flowcat")
        goal("text → JSON vs fastest peer", "≥ 3× faster",
             f"{v:.1f}× (fastest peer: {SHOW.get(best.split('.', 1)[1])}, {peers[best]:.2f} s)", v >= 3)
    for n, what in (("tobin.flowcat", "peak RSS text → flowbin"), ("json.flowcat", "peak RSS text → JSON")):
        m = missing(n)
        goal(what, "< 64 MB", m or f"{res[n]['rss']:.1f} MB", not m and res[n]["rss"] < 64)
    bad = [n for n, r in res.items() if r["flag"]] + [n for n, s in sample.items() if s.startswith("DIFFERS")]
    goal("answers agree with peers", "counts, round trip, JSON records", "all agree" if not bad else "differ: " + ", ".join(sorted(set(bad))), not bad)
    out.append("\n## Goals\n")
    out.append("| goal | target | measured | status |")
    out.append("|---|---|---|---|")
    out.extend(goals)

notes = [l for l in read(os.path.join(work, "notes.txt")).splitlines() if l]
if notes:
    out.append("\nNotes:\n")
    out.extend("- " + l for l in notes)
print("\n".join(out))
PY
cp "$WORK/convert-table.md" "$DATA/convert-table.md"
cat "$DATA/convert-table.md"
log "table written to $DATA/convert-table.md (details in $WORK)"
if [ ${#FAILED[@]} -gt 0 ]; then
  die "${#FAILED[@]} command(s) failed: ${FAILED[*]} (reasons in the table and $WORK/answers/*.err)"
fi
