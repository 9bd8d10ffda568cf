# Partial states concatenated (cat *.part | flowagg --merge) must all have one spec: a state of
# another spec inside the stream is damaged input (exit 1), not a usage error.
flowagg -k srcaddr --partial -o "$WORK/a.part" policy/flows.log
flowagg -k dstaddr --partial -o "$WORK/b.part" policy/flows.log
cat "$WORK/a.part" "$WORK/b.part" > "$WORK/ab.part"
cd "$WORK" || exit
flowagg --merge ab.part
