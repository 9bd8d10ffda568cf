# Shared by the bench scripts (sourced): the knobs, the data file F (generated AWS v2 text with
# its S3 header) and B (our binary format of it, remade when flowcat is newer), log and die.
# The caller sets NAME (for messages) and TOOLS (the built tools it needs) first.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=$(cd "${SHARED:-$ROOT/../shared}" && pwd)
BENCH=$SHARED/bench
LINES=${LINES:-10000000}
SEED=${SEED:-1}
DATA=${DATA:-/tmp/flow-bench/data}
TOOLS_DIR=${TOOLS_DIR:-/tmp/flow-bench/tools}
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD;; esac
RUNS=${RUNS:-3}
DUCK_THREADS=${DUCK_THREADS:-1 2}
F=$DATA/aws${LINES}-s${SEED}-hdr.log
B=$F.flowbin
export LC_ALL=C
export DUCKDB_NODE_API=${DUCKDB_NODE_API:-$TOOLS_DIR/duckdb/node_modules/@duckdb/node-api/lib/index.js}
log() { echo "[$(date +%T)] $*" >&2; }
die() { echo "$NAME: error: $*" >&2; exit 1; }

for t in $TOOLS flowcat; do
  [ -x "$BUILD/$t" ] || die "build $t first (BUILD=$BUILD)"
done
command -v hyperfine >/dev/null || die "hyperfine is required (apt-get install hyperfine)"
mkdir -p "$DATA"
if [ ! -s "$F" ]; then
  log "generate $F ($LINES lines, seed $SEED)"
  python3 "$BENCH/gen_aws.py" --lines "$LINES" --seed "$SEED" --header --jobs 2 -o "$F.part"
  mv "$F.part" "$F"
fi
if [ ! -s "$B" ] || [ "$BUILD/flowcat" -nt "$B" ] || [ "$F" -nt "$B" ]; then
  log "flowcat -O bin $F -o $B"
  "$BUILD/flowcat" -O bin "$F" -o "$B"
fi
# duck_scripts NAME QUERY: a script $WORK/NAME<threads>.sh for each of DUCK_THREADS running QUERY
# over the shared view `flows` of $F (header=true: $F starts with the S3 header line); prints
# their names (NAME1 NAME2), or nothing, with a note, when DuckDB is not installed.
duck_scripts() {
  if ! command -v node >/dev/null || [ ! -f "$DUCKDB_NODE_API" ]; then
    log "DuckDB not found (run bench/convert.sh once to install it in $TOOLS_DIR): skipped"
    return 0
  fi
  sed -e "s#@F@#$F#g" -e "s/header=false/header=true/" "$BENCH/sql/flows.sql" >"$WORK/$1.sql"
  echo "$2" >>"$WORK/$1.sql"
  for t in $DUCK_THREADS; do
    echo "exec node '$BENCH/duckq.mjs' --threads $t -f '$WORK/$1.sql'" >"$WORK/$1$t.sh"
    echo "$1$t"
  done
}
