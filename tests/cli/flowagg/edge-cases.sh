# Corner cases: no records, concatenated and piped partial states, --having naming a column that
# is not in the output, times in milliseconds beside seconds, a damaged length in a state file.
echo '# no keys and no records: one group, count 0 (as SQL)'
printf 'version srcaddr bytes\n' | flowagg -a count,bytes
flowagg -w 'bytes > 1T' -a count policy/flows.log
echo '# partial states concatenated, or through a pipe'
flowagg -k srcaddr --partial -o "$WORK/p" policy/flows.log
cat "$WORK/p" "$WORK/p" | flowagg --merge -k srcaddr
flowagg --merge <(cat "$WORK/p")
echo '# --having names output columns only'
flowagg -k srcaddr --having 'dstport == 22' policy/flows.log; echo "exit $?"
echo '# the same second written in milliseconds and in seconds'
printf 'version start end\n2 1717372800 1717372860\n2 1717372740000 1717372800000\n' | flowagg -a first,last,count
echo '# a damaged length does not allocate what the file does not hold'
head -6 "$WORK/p" > "$WORK/bad"
printf '\001\000\200\200\200\200\020' >> "$WORK/bad"
head -c 32 /dev/zero >> "$WORK/bad"
cd "$WORK" && flowagg --merge bad; echo "exit $?"
