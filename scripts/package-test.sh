#!/usr/bin/env bash
# The Debian packages, tried as a user would: cpack builds flowlogs_VERSION_amd64.deb in BUILD_DIR,
# mmdebstrap makes a fresh Debian 12 root from Debian's packages, apt installs the .deb there
# (pulling its dependencies from Debian), and in that root `flowgen | flowstat` runs, `man -w
# flowcat` finds the page and bash completes `flowcat --o<TAB>`. Needs root and Debian's mirror
# (CI has both); about 2 minutes.
#
#   scripts/package-test.sh [BUILD_DIR]      # default: build
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(cd "${1:-build}" && pwd)
[ "$(id -u)" = 0 ] || { echo "package-test: needs root (mmdebstrap, chroot)" >&2; exit 77; }
./scripts/install-packages.sh mmdebstrap dpkg-dev

(cd "$build" && rm -f ./*.deb && cpack -G DEB >cpack.log 2>&1) || { cat "$build/cpack.log" >&2; exit 1; }
version=$(sed -n 's/^project(flowlogs VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
deb=$build/flowlogs_${version}_amd64.deb
[ -f "$deb" ] || { echo "package-test: no $deb" >&2; ls "$build"/*.deb >&2; exit 1; }

# The mirror the host's apt uses (Debian's by default).
mirror=$(sed -n 's/^URIs: *\([^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 ~ /debian$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

root=$(mktemp -d /tmp/flowlogs-root.XXXXXX)
cleanup() {
  umount "$root/proc" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT
# --variant=apt: a minimal root with apt; man-db and bash-completion as a user would have them;
# the .deb installed by apt while the root is made (its index and network are there then).
mmdebstrap --quiet --variant=apt --include=man-db,bash-completion \
  --customize-hook="upload $deb /tmp/flowlogs.deb" \
  --customize-hook='chroot "$1" apt-get install -y -qq /tmp/flowlogs.deb' \
  bookworm "$root" "$mirror" >"$build/mmdebstrap.log" 2>&1 || { tail -30 "$build/mmdebstrap.log" >&2; exit 1; }
mount -t proc proc "$root/proc"

failed=0
check() {  # WHAT EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then echo "package-test: ok: $1"; else
    echo "package-test: FAIL: $1: expected '$2', got '$3'" >&2
    failed=1
  fi
}
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 bash -c "$1"; }

check "flowcat --version" "flowcat $version" "$(in_root 'flowcat --version' | cut -d' ' -f1-2)"
report=$(in_root 'flowgen --flows 500 --seed 3 | flowstat --top 3 -O json')
check "flowgen | flowstat counts the 500 records" 500 "$(in_root "flowgen --flows 500 --seed 3 | flowcat --count")"
check "flowstat reports them" 1 "$(grep -c '"records": *500' <<<"$report" || true)"
check "man -w flowcat" /usr/share/man/man1/flowcat.1 "$(in_root 'man -w flowcat' | sed 's/\.gz$//')"
completion=$(in_root 'source /usr/share/bash-completion/bash_completion
  COMP_LINE="flowcat --o"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(flowcat --o); COMP_CWORD=1
  _completion_loader flowcat
  fn=$(complete -p flowcat | sed -E "s/.* -F ([^ ]+) .*/\1/")
  "$fn" flowcat --o flowcat
  printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "')
check "bash completes flowcat --o<TAB>" "--on-error --output --output-format " "$completion"
exit $failed
