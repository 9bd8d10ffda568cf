#!/usr/bin/env bash
# The layers of docs/ARCHITECTURE.md, checked: libflow includes neither CLI11 nor anything of
# tools/, and says nothing itself (no message to stderr: records to stdout are an Output's job);
# no tool includes another tool's files.
# (libflow does not link CLI11, so an include of it would not build either; this names the file.)
#
# Usage: tests/layers_check.sh   (from anywhere; reads the source tree)
set -uo pipefail
cd "$(dirname "$0")/.."
failed=0
fail() {
  echo "layers: $*" >&2
  failed=1
}
while IFS= read -r hit; do fail "libflow includes the command line: $hit"; done < <(
  grep -rnE '#include *[<"](CLI/|common/|tools/)' libflow)
while IFS= read -r hit; do fail "libflow prints (engines take Messages or a WarnFn): $hit"; done < <(
  grep -rnE '\b(stderr|std::cerr|std::cout|std::clog|fmt::print|printf|fputs|puts)\b' libflow --include='*.cpp' --include='*.hpp' |
    grep -vE '^[^:]+:[0-9]+: *//')
for dir in tools/*/; do
  tool=$(basename "$dir")
  [ "$tool" = common ] && continue
  while IFS= read -r hit; do fail "$tool includes another tool's file: $hit"; done < <(
    grep -rnE '#include *"flow[a-z]+/' "$dir")
done
[ $failed = 0 ] && echo "layers: libflow has no command line and prints nothing; tools keep to their own files"
exit $failed
