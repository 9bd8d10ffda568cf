#!/usr/bin/env bash
# The whole test suite (unit, CLI, docs) on a build with AddressSanitizer and UndefinedBehavior-
# Sanitizer: any report fails the run. CI runs it after the README's test command.
#
#   scripts/sanitize.sh [BUILD_DIR]     # default: build-asan
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
# Warnings are the normal build's job: with sanitizers GCC 12 warns falsely inside std::regex.
# -O1 -g1 (line tables: stack traces keep file and line): half the compile time of -O2 -g
# (rows.cpp and binary_reader.cpp with ASan: 19.4 -> 10.5 s), which is most of this stage.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DFLOW_WERROR=OFF -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$build" -j"$(nproc)"

# LeakSanitizer stops the world with ptrace; some containers forbid that. Then leaks cannot be
# checked, which is said, and everything else still is.
export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if ! "$build/flowcat" --version >/dev/null 2>"$build/lsan-probe.txt"; then
  if grep -q LeakSanitizer "$build/lsan-probe.txt"; then
    echo "sanitize.sh: LeakSanitizer cannot run here (ptrace refused): leak checks off" >&2
    export ASAN_OPTIONS=abort_on_error=0:detect_leaks=0
  else
    cat "$build/lsan-probe.txt" >&2
    exit 1
  fi
fi
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
