#!/usr/bin/env bash
# Regenerates man/<tool>.1, the bash/zsh/fish completions and the field list of man/flow-formats.5
# from the built tools (their --generate option), so that all of them follow the option definitions.
#
# Usage: scripts/update-docs.sh BUILD_DIR [ROOT]
#   BUILD_DIR  the CMake build directory holding the tool executables
#   ROOT       where man/ and completions/ are written (default: this checkout)
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 BUILD_DIR [ROOT]" >&2
  exit 2
fi
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$1
root=${2:-$src}

# The tools: one directory tools/<name>/ each, built by flow_add_tool(<name>); tools/common is
# the library they share.
tools=()
for d in "$src"/tools/*/; do
  [[ $(basename "$d") == common ]] || tools+=("$(basename "$d")")
done
if [[ ${#tools[@]} -eq 0 ]]; then
  echo "update-docs: no tools under $src/tools" >&2
  exit 1
fi

tool_binary() {
  local f
  for f in "$build/$1" "$build/tools/$1/$1" "$build/tools/$1"; do
    if [[ -f $f && -x $f ]]; then
      echo "$f"
      return
    fi
  done
  echo "update-docs: $1 is not built in $build" >&2
  return 1
}

# Writes the output of a command to a file, replacing it only when the command succeeded.
write() {
  local dest=$1
  shift
  "$@" >"$dest.tmp-$$" || { rm -f "$dest.tmp-$$"; return 1; }
  mv "$dest.tmp-$$" "$dest"
}

mkdir -p "$root/man" "$root/completions/bash" "$root/completions/zsh" "$root/completions/fish"
for t in "${tools[@]}"; do
  bin=$(tool_binary "$t")
  write "$root/man/$t.1" "$bin" --generate man
  write "$root/completions/bash/$t" "$bin" --generate bash
  write "$root/completions/zsh/_$t" "$bin" --generate zsh
  write "$root/completions/fish/$t.fish" "$bin" --generate fish
done

# The field list of flow-formats(5) lives between two marker lines; the rest of the page is prose.
page=$root/man/flow-formats.5
begin='.\" BEGIN GENERATED FIELDS'
end='.\" END GENERATED FIELDS'
if [[ ! -f $page ]]; then
  echo "update-docs: $page does not exist: field list not written" >&2
elif ! grep -Fxq -- "$begin" "$page" || ! grep -Fxq -- "$end" "$page"; then
  echo "update-docs: $page has no '$begin' / '$end' lines: field list not written" >&2
else
  fields=$(mktemp)
  trap 'rm -f "$fields"' EXIT
  "$(tool_binary "${tools[0]}")" --generate fields >"$fields"
  # Through the environment: awk -v would take the backslash of the markers as an escape.
  write "$page" env BEGIN_MARK="$begin" END_MARK="$end" FIELDS="$fields" awk '
    $0 == ENVIRON["BEGIN_MARK"] { print; while ((getline line < ENVIRON["FIELDS"]) > 0) print line; skip = 1; next }
    $0 == ENVIRON["END_MARK"] { skip = 0 }
    !skip' "$page"
fi
