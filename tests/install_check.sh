#!/usr/bin/env bash
# `cmake --install` of BUILD_DIR into a fresh prefix puts everything where it belongs (the tools,
# the man pages of sections 1, 5 and 7, the bash, zsh and fish completions, libflow with its
# headers, CMake package and pkg-config file), and examples/count builds against it both ways
# (find_package and pkg-config) and counts what flowcat --count counts.
#
# Usage: tests/install_check.sh BUILD_DIR
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd) || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() {
  echo "install_check: FAIL: $*" >&2
  failed=1
}
prefix=$tmp/prefix
# The example is built as libflow was (a sanitizer build's archive needs the sanitizer runtimes).
cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
cxx=$(cache CMAKE_CXX_COMPILER) cxxflags=$(cache CMAKE_CXX_FLAGS) ldflags=$(cache CMAKE_EXE_LINKER_FLAGS)
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log" >&2; exit 1; }

libdir=$(sed -n 's/^libdir=\${prefix}\///p' "$build/flowlogs.pc")
want=(bin/flowcat bin/flowgen bin/flowfilter bin/flowagg bin/flowjoin bin/flowstat
  share/man/man1/flowcat.1 share/man/man5/flow-formats.5 share/man/man5/flow-policy.5 share/man/man7/flow-filter.7
  share/bash-completion/completions/flowagg share/zsh/vendor-completions/_flowagg
  share/fish/vendor_completions.d/flowagg.fish
  include/flow/stream.hpp "$libdir/libflow.a" "$libdir/pkgconfig/flowlogs.pc" "$libdir/cmake/flowlogs/flowlogsConfig.cmake")
for f in "${want[@]}"; do [ -f "$prefix/$f" ] || fail "not installed: $f"; done
for t in flowcat flowgen flowfilter flowagg flowjoin flowstat; do
  for f in "share/man/man1/$t.1" "share/bash-completion/completions/$t" "share/zsh/vendor-completions/_$t" \
    "share/fish/vendor_completions.d/$t.fish"; do
    [ -f "$prefix/$f" ] || fail "not installed: $f"
  done
done
man -w -M "$prefix/share/man" flowcat >/dev/null 2>&1 || fail "man -w does not find flowcat(1) under $prefix/share/man"

sample=$src/tests/data/samples/aws-docs/v2-nodata-skipdata.log
expect=$("$prefix/bin/flowcat" --count "$sample")

# find_package(flowlogs) -> flowlogs::flow
if cmake -S "$src/examples/count" -B "$tmp/count-cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="$cxxflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags" >"$tmp/cmake.log" 2>&1 &&
  cmake --build "$tmp/count-cmake" >>"$tmp/cmake.log" 2>&1; then
  got=$("$tmp/count-cmake/count" "$sample")
  [ "$got" = "$expect" ] || fail "find_package build counts $got records, flowcat --count $expect"
else
  tail -30 "$tmp/cmake.log" >&2
  fail "examples/count does not build with find_package(flowlogs)"
fi

# pkg-config: libflow is a static library, so --static brings what it links.
if flags=$(PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig" pkg-config --cflags --libs --static flowlogs) &&
  # shellcheck disable=SC2086 # flags are words
  "$cxx" -std=c++20 -O1 $cxxflags "$src/examples/count/count.cpp" -o "$tmp/count-pc" $flags $ldflags 2>"$tmp/pc.log"; then
  got=$("$tmp/count-pc" "$sample")
  [ "$got" = "$expect" ] || fail "pkg-config build counts $got records, flowcat --count $expect"
else
  tail -30 "$tmp/pc.log" >&2
  fail "examples/count does not build with pkg-config flowlogs"
fi

[ $failed = 0 ] && echo "install_check: installed layout, find_package and pkg-config builds count $expect records"
exit $failed
