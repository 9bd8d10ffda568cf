#!/usr/bin/env bash
# flowjoin's table lookups: load time and lookups/s of a 300,000-prefix IPv4 + IPv6 CIDR table
# and of a 300,000-key table (bench/lookup.cpp, built with -DFLOW_BENCH=ON in BUILD, default build/).
#   bench/lookup.sh [IPV4_PREFIXES] [IPV6_PREFIXES] [LOOKUPS]    # 200000 100000 20000000
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFLOW_BENCH=ON > /dev/null
cmake --build "$build" -j"${JOBS:-2}" --target bench_lookup > /dev/null
"$build/bench_lookup" "${1:-200000}" "${2:-100000}" "${3:-20000000}" "${TMPDIR:-/tmp}"
