#!/usr/bin/env bash
# The README's two commands: install what is needed, build, then run the demo or every test.
#   scripts/quickstart.sh demo   # flowcat over the bundled samples into a readable table
#   scripts/quickstart.sh test   # unit tests, CLI tests and the docs check (what CI runs)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-demo}
case $what in demo | test) ;; *) echo "usage: $0 demo|test" >&2; exit 2 ;; esac

# Debian 12 packages: compiler and CMake, the five design dependencies, the codecs and hash we
# chose (see README "Dependencies"), and what the tests use to check man pages, completions and
# report files (xmllint for JUnit, jq for SARIF).
packages=(g++ cmake pkg-config make
  libcli11-dev libfmt-dev libsimdjson-dev libcpp-httplib-dev catch2
  libisal-dev libzstd-dev libxxhash-dev
  gzip zstd groff-base bash-completion zsh fish libxml2-utils jq)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DFLOW_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"

if [ "$what" = demo ]; then
  s=tests/data/samples
  build/flowcat -O table --fields start,interface-id,srcaddr,srcport,dstaddr,dstport,protocol,packets,bytes,action,log-status \
    $s/aws-docs/v2-default-accept-reject.log $s/aws-docs/v2-nodata-skipdata.log $s/aws-docs/v2-ipv6.log \
    $s/flowlogs-reader/v5-file-with-header.log $s/derived/*.log.gz
else
  ctest --test-dir build --output-on-failure -j"$(nproc)"
fi
