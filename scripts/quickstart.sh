#!/usr/bin/env bash
# The README's two commands: install what is needed, build, then run the demo or every test.
#   scripts/quickstart.sh demo   # flowgen's day of flows into flowstat's report, flowagg, flowjoin and flowfilter
#   scripts/quickstart.sh test   # unit tests, CLI tests and the docs check (what CI runs)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-demo}
case $what in demo | test) ;; *) echo "usage: $0 demo|test" >&2; exit 2 ;; esac

# Debian 12 packages: compiler and CMake, the five design dependencies, the codecs and hash we
# chose (see README "Dependencies"), and what the tests use to check man pages, completions and
# report files (xmllint for JUnit, jq for SARIF), man-db (man -w finds the installed pages),
# curl, which feeds flowcat --listen in tests, and time (/usr/bin/time: peak memory of a run).
packages=(g++ cmake pkg-config make
  libcli11-dev libfmt-dev libsimdjson-dev libcpp-httplib-dev libssl-dev catch2
  libisal-dev libzstd-dev libsnappy-dev libxxhash-dev libmaxminddb-dev
  gzip zstd groff-base man-db bash-completion zsh fish libxml2-utils jq curl time)
./scripts/install-packages.sh "${packages[@]}"

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DFLOW_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"

if [ "$what" = demo ]; then
  # A day of a small estate with every attack scenario, in the binary format, with the estate's
  # intended network policy beside it.
  d=$(mktemp -d)
  trap 'rm -rf "$d"' EXIT
  build/flowgen --duration 1d --seed 7 --log-version 5 --scenario all --policy "$d/estate.policy" \
    --truth "$d/truth.jsonl" --estate "$d/estate.csv" -O bin -o "$d/day.flows"
  echo "== The day at a glance (flowstat; the scan, the DDoS burst and the exfiltration stand out)"
  build/flowstat --top 5 "$d/day.flows" | sed -n '/^Totals/,/^Sources by records/p;/^Traffic over time/,$p' | grep -v '^Sources by records'
  echo
  echo "== Sources of rejected traffic that touched more than 20 ports (flowagg)"
  build/flowagg -w 'action == REJECT' -k srcaddr -a 'count,ports=distinct(dstport)' --having 'ports > 20' -O table "$d/day.flows"
  echo
  echo "== The day's traffic per owning team, every packet counted once (flowjoin --dedup, then the estate table)"
  build/flowjoin -q --dedup "$d/day.flows" -O bin | build/flowjoin --table interface-id="$d/estate.csv" -O bin |
    build/flowagg -k owner -a count,packets,bytes -O table
  echo
  echo "== The client-service pairs that sent the most back (flowjoin --stitch: one record per connection)"
  build/flowjoin -q --stitch "$d/day.flows" -O bin | build/flowagg -k srcaddr,dstaddr,dstport -a conversations=count,fwd-bytes,rev-bytes \
    --by rev-bytes --top 5 -O table
  echo
  echo "== SSH from outside the VPC (first 10)"
  build/flowfilter 'dstport == ssh and srcaddr not in 10.0.0.0/8' -O table \
    --fields start,interface-id,srcaddr,srcport,dstaddr,dstport,tcp-flags,action "$d/day.flows" | head -11
  echo
  echo "== The day against the intended policy ($d/estate.policy), as a CI job would check it"
  status=0
  build/flowfilter --policy "$d/estate.policy" -o /dev/null "$d/day.flows" || status=$?
  echo "flowfilter --policy exit status: $status (1: violations, which the scenarios put there)"
else
  # Node.js packages the tests run beside our tools (an S3 server, DuckDB, ...): tests/node.
  ./scripts/install-node-deps.sh
  ctest --test-dir build --output-on-failure -j"$(nproc)"
fi
