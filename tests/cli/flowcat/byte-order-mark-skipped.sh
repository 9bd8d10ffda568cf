# A UTF-8 byte-order mark at the start of a file is skipped, in AWS text and in JSON alike: the
# records read as without it (it used to make the first field '<BOM>version', not a number).
printf '\xef\xbb\xbfversion account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n2 123456789012 eni-1 10.0.0.1 10.0.0.2 40000 443 6 1 40 100 160 ACCEPT OK\n' > "$WORK/bom.log"
flowcat -O json "$WORK/bom.log" | tee "$WORK/bom.json"
printf '\xef\xbb\xbf' | cat - "$WORK/bom.json" | flowcat
# A file big enough to be read in pieces by two threads, in a custom format whose header is
# behind the mark: two threads give one thread's answer.
{ printf '\xef\xbb\xbf'; flowgen --flows 60000 --seed 2 --aws-format '${version} ${srcaddr} ${dstaddr} ${dstport} ${bytes} ${start} ${end} ${action}'; } > "$WORK/big.log"
flowagg --threads 1 -k dstport -a count,bytes --top 3 -O csv "$WORK/big.log" > "$WORK/one"
flowagg --threads 2 -k dstport -a count,bytes --top 3 -O csv "$WORK/big.log" > "$WORK/two"
cmp "$WORK/one" "$WORK/two" && cat "$WORK/two"
