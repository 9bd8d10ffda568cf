#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang, ASan and UBSan in build-fuzz/ and runs each
# for SECONDS (default 30), one after the other:
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# The targets are the fuzz/*.cpp files that define LLVMFuzzerTestOneInput (a new one joins by
# itself). Each first replays its regression inputs (fuzz/regressions/TARGET/), then fuzzes
# from its seeds, its regressions and the corpus grown so far (build-fuzz/corpus/TARGET/, kept
# between runs; delete it to start over). The seeds are assembled from tests/data by
# fuzz/seeds.sh on every run.
# Exit 1 when any target finds a crash, leak, timeout, out-of-memory or sanitizer report (the
# input is left in build-fuzz/artifacts/TARGET/ and the command to reproduce it is printed);
# exit 2 when the build fails or a target is unknown.
# Environment: CXX (default clang++, else clang++-14), FUZZ_ARGS (extra libFuzzer flags),
# JOBS (build jobs), FUZZ_BUDGET (without SECONDS: a total in seconds that the targets share
# equally, at least 10 s each, so that a new target does not lengthen CI).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz
mapfile -t all < <(grep -l LLVMFuzzerTestOneInput "$root"/fuzz/*.cpp | xargs -n1 basename | sed 's/\.cpp$//' | sort)

seconds=30
given=0
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then seconds=$1 given=1; shift; fi
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all[@]}")
if [[ -n ${FUZZ_BUDGET:-} && $given == 0 ]]; then
  seconds=$((FUZZ_BUDGET / ${#targets[@]}))
  ((seconds >= 10)) || seconds=10
fi
for t in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target '$t' (${all[*]})" >&2; exit 2; }
done

cxx=${CXX:-}
if [[ -z $cxx ]]; then
  cxx=clang++
  command -v clang++ >/dev/null || cxx=clang++-14
fi
mkdir -p "$build"
# -O1 as libFuzzer's documentation builds it, -g1 (line tables) for stack traces: most of CI's
# fuzz stage is this build.
cmake -S "$root" -B "$build" -DFLOW_FUZZ=ON -DFLOW_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_CXX_COMPILER="$cxx" > "$build/configure.log" 2>&1 \
  || { cat "$build/configure.log" >&2; exit 2; }
cmake --build "$build" -j"${JOBS:-$(nproc)}" --target fuzz flowcat flowagg > "$build/build.log" 2>&1 \
  || { grep -E -B2 -A10 'error' "$build/build.log" >&2 || cat "$build/build.log" >&2; exit 2; }

rm -rf "$build/seeds"
"$root/fuzz/seeds.sh" "$build/seeds" "$build/flowcat" "$build/flowagg" > /dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# LeakSanitizer stops the world with ptrace; some containers forbid that. Then leaks cannot be
# checked, which is said, and everything else still is (as in scripts/sanitize.sh).
probe=$build/lsan-probe
: > "$probe.input"
if ! "$build/fuzz/fuzz_${all[0]}" "$probe.input" > "$probe.log" 2>&1; then
  if grep -q LeakSanitizer "$probe.log"; then
    echo "fuzz.sh: LeakSanitizer cannot run here (ptrace refused): leak checks off" >&2
    export ASAN_OPTIONS=${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0}
  else
    cat "$probe.log" >&2
    exit 1
  fi
fi

# Any of these in a log is a finding, whatever the exit status.
report='ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:|==[0-9]+== ?ERROR|deadly signal|uncaught exception|terminate called'
status=0
total_start=$SECONDS
printf '%-11s %12s %10s %8s  %s\n' target executions exec/s corpus result
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t artifacts=$build/artifacts/$t regressions=$root/fuzz/regressions/$t
  mkdir -p "$corpus" "$artifacts"
  dict=()
  [[ -f $root/fuzz/dict/$t.dict ]] && dict=(-dict="$root/fuzz/dict/$t.dict")
  log=$build/fuzz-$t.log
  : > "$log"
  rc=0
  # Inputs that once failed: each must now run clean.
  extra=()
  if [[ -d $regressions ]] && [[ -n $(ls -A "$regressions") ]]; then
    "$build/fuzz/fuzz_$t" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 "$regressions"/* >> "$log" 2>&1 || rc=$?
    extra=("$regressions")
  fi
  # -fork/-jobs are not used: one process, so the final stats are its own.
  if [[ $rc -eq 0 ]]; then
    "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
      -rss_limit_mb=2048 -malloc_limit_mb=2048 -artifact_prefix="$artifacts/" "${dict[@]}" \
      ${FUZZ_ARGS:-} "$corpus" "$build/seeds/$t" "${extra[@]}" >> "$log" 2>&1 || rc=$?
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  [[ -n $execs ]] || execs=$(sed -n 's/^#\([0-9]*\)[[:space:]]*DONE.*/\1/p' "$log" | tail -1)
  [[ -n $execs ]] || execs=$(sed -n 's/^#\([0-9]*\)[[:space:]].*/\1/p' "$log" | tail -1)
  [[ -n $execs ]] || execs=0
  took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  [[ -n $took && $took -gt 0 ]] || took=$seconds
  found=$(grep -E -m1 "$report" "$log" || true)
  if [[ $rc -ne 0 || -n $found ]]; then
    result="FAILED (exit $rc): ${found:-see log}"
    status=1
  else
    result=ok
  fi
  printf '%-11s %12s %10s %8s  %s\n' "$t" "$execs" "$((execs / took))" "$(find "$corpus" -type f | wc -l)" "$result"
  if [[ $result != ok ]]; then
    echo "  log: $log" >&2
    grep -E -A25 "$report" "$log" | head -40 | sed 's/^/  /' >&2
    replayed=$(sed -n 's/^Running: //p' "$log" | tail -1)  # the regression input that failed, if any
    for a in $replayed "$artifacts"/*; do
      if [[ -f $a ]]; then echo "  reproduce: $build/fuzz/fuzz_$t $a" >&2; fi
    done
  fi
done
echo "total: $((SECONDS - total_start)) s"
exit $status
