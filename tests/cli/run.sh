#!/usr/bin/env bash
# Runs tests/cli/<tool>/<case>.sh with the built tools first on PATH and compares its stdout,
# stderr and exit status with <case>.stdout, <case>.stderr and <case>.exit beside it (missing
# .stderr = empty, missing .exit = 0).
#
#   run.sh BIN_DIR [PATTERN]             every case whose name (<tool>/<case>) holds PATTERN;
#                                        -PATTERN: every other case; no PATTERN: all of them
#   run.sh BIN_DIR --case TOOL/CASE      exactly that case (ctest runs each case so, as the test
#                                        cli/TOOL/CASE: `ctest -R cli/flowcat/count`)
#   run.sh BIN_DIR --update [PATTERN | --case TOOL/CASE]
#                                        rewrites the expected files of those cases from what
#                                        they give now (then read the diff)
#
# A case runs in tests/data (so messages name short relative paths) with $WORK, a fresh
# temporary directory of its own, for anything it writes: cases never write into the tree, so
# that any number of them can run at once (ctest -j). A case that cannot run here (it needs root,
# say) exits 77 with the reason on stderr: it is counted and listed as skipped, never as passed,
# and when every case selected was skipped run.sh exits 77 too (ctest then shows it skipped).
#
# Exit statuses, one convention for every case:
# - The status of the script's last command is the case's status: it goes in <case>.exit
#   (--update writes it; none when 0). A case that checks one command's status ends with that
#   command; it does not echo "$?" or hide the status (`|| true`).
# - A case that checks several statuses, or one that is not its last command's (a command
#   before others, one inside a pipeline), prints each on a line of its own, in one form:
#       cmd; echo "exit $?"                 (a pipeline: echo "exit ${PIPESTATUS[0]}")
#       cmd; echo "LABEL: exit $?"          when the line must say which command it was
#   with nothing after the status (other facts go on lines of their own), e.g. "exit 2",
#   "flowfilter: exit 2", "listener: exit 0" (net-helpers.bash). Where every status of a
#   pipeline counts: echo "exit ${PIPESTATUS[*]}" ("exit 1 0 0"). The whole stdout is compared,
#   so these lines are checked like any other output.
set -u
bin=$(cd "$1" && pwd)
shift
update=0
exact=
pattern=
while [ $# -gt 0 ]; do
  case $1 in
    --update) update=1 ;;
    --case)
      [ $# -ge 2 ] || { echo "run.sh: --case needs TOOL/CASE" >&2; exit 2; }
      exact=${2%.sh}
      shift
      ;;
    *) pattern=$1 ;;
  esac
  shift
done
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "$exact" ] && [ ! -f "$here/$exact.sh" ]; then
  echo "run.sh: no case $exact (no $here/$exact.sh)" >&2
  exit 2
fi
export PATH="$bin:$PATH" LC_ALL=C NO_COLOR=1 TZ=UTC

pass=0
fail=0
skip=0
for t in "$here"/*/*.sh; do
  base=${t%.sh}
  name=${base#"$here"/}
  if [ -n "$exact" ]; then
    [ "$name" = "$exact" ] || continue
  elif [[ $pattern == -* ]]; then
    [[ $name == *"${pattern#-}"* ]] && continue
  elif [ -n "$pattern" ]; then
    [[ $name != *$pattern* ]] && continue
  fi
  WORK=$(mktemp -d)
  export WORK
  # Relative script path: a message from bash itself must not name the checkout's location.
  (cd "$here/../data" && bash "../cli/$name.sh") >"$WORK/.stdout" 2>"$WORK/.stderr" </dev/null
  code=$?
  if [ $code = 77 ]; then
    skip=$((skip + 1))
    echo "SKIP $name: $(head -1 "$WORK/.stderr")"
    rm -rf "$WORK"
    continue
  fi
  if [ $update = 1 ]; then
    cp "$WORK/.stdout" "$base.stdout"
    if [ -s "$WORK/.stderr" ]; then cp "$WORK/.stderr" "$base.stderr"; else rm -f "$base.stderr"; fi
    if [ $code != 0 ]; then echo $code >"$base.exit"; else rm -f "$base.exit"; fi
  fi
  want_code=0
  [ -f "$base.exit" ] && want_code=$(cat "$base.exit")
  ok=1
  cmp -s "$WORK/.stdout" "$base.stdout" || { ok=0; echo "--- $name: stdout differs"; diff "$base.stdout" "$WORK/.stdout" | head -20; }
  if [ -f "$base.stderr" ]; then
    cmp -s "$WORK/.stderr" "$base.stderr" || { ok=0; echo "--- $name: stderr differs"; diff "$base.stderr" "$WORK/.stderr" | head -20; }
  elif [ -s "$WORK/.stderr" ]; then
    ok=0; echo "--- $name: unexpected stderr"; head -20 "$WORK/.stderr"
  fi
  [ "$code" = "$want_code" ] || { ok=0; echo "--- $name: exit $code, expected $want_code"; }
  if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $name"; fi
  rm -rf "$WORK"
done
echo "cli: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ] || exit 1
[ $pass = 0 ] && [ $skip -gt 0 ] && exit 77
exit 0
