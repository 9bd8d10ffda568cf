#!/usr/bin/env bash
# Fails when a committed man page, completion script or the field list of flow-formats(5) differs
# from what the built tools generate now; also checks that the pages and scripts load cleanly.
#
# Usage: tests/cli/docs_check.sh BUILD_DIR
set -uo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "$1" && pwd) || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() {
  echo "docs_check: FAIL: $*" >&2
  failed=1
}

# 1. Regenerate into a copy of man/ and completions/ and compare.
mkdir -p "$tmp/new/man" "$tmp/new/completions"
[[ -d $src/man ]] && cp -R "$src/man/." "$tmp/new/man/"
[[ -d $src/completions ]] && cp -R "$src/completions/." "$tmp/new/completions/"
if ! "$src/scripts/update-docs.sh" "$build" "$tmp/new"; then
  fail "scripts/update-docs.sh failed"
else
  for d in man completions; do
    if ! diff -ruN "$src/$d" "$tmp/new/$d"; then
      fail "$d/ differs from what the tools generate: run scripts/update-docs.sh $1 and commit the result"
    fi
  done
fi

# 2. The man pages format without warnings (at the usual 80 columns).
if command -v groff >/dev/null; then
  for page in "$src"/man/*.[1-9]; do
    [[ -f $page ]] || continue
    out=$(LC_ALL=C groff -man -Tutf8 -rLL=78n -ww -z "$page" 2>&1)
    [[ -z $out ]] || fail "groff warns about ${page#"$src"/}:"$'\n'"$out"
  done
else
  echo "docs_check: groff not installed (apt-get install groff-base): man page warnings not checked" >&2
fi

# 3. The completion scripts parse, in each shell that is installed.
check_syntax() {  # shell, files...
  local sh=$1 f
  shift
  if ! command -v "$sh" >/dev/null; then
    echo "docs_check: $sh not installed: its completion scripts not checked" >&2
    return
  fi
  for f in "$@"; do
    [[ -f $f ]] || continue
    "$sh" -n "$f" || fail "$sh -n ${f#"$src"/}"
  done
}
check_syntax bash "$src"/completions/bash/*
check_syntax zsh "$src"/completions/zsh/_*
check_syntax fish "$src"/completions/fish/*.fish

# 4. The bash completion of flowcat answers: option names, choices, field names after a comma.
complete_flowcat() {  # words...; prints the replies on one line
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _flowcat
           echo "${COMPREPLY[*]}"' _ "$src/completions/bash/flowcat" "$@" 2>&1
}
expect() {  # expected, words...
  local want=$1 got
  shift
  got=$(complete_flowcat "$@")
  [[ $got == "$want" ]] || fail "bash completion of '$*': got '$got', want '$want'"
}
if [[ -f $src/completions/bash/flowcat ]]; then
  expect "--on-error" flowcat --on-e
  expect "fail skip warn" flowcat --on-error ""
  expect "srcaddr,dstaddr srcaddr,dstport" flowcat -O table --fields srcaddr,dst
  expect "--fields=tgw-id" flowcat --fields=tgw-i
  expect "" flowcat --since ""
fi

[[ $failed -eq 0 ]] && echo "docs_check: man pages and completions are up to date"
exit $failed
