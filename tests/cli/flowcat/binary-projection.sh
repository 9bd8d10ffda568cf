# Binary read with a projection (--count, --fields, windows, --merge) gives what the text gives.
set -- samples/flowlogs-reader/v5-file-with-header.log samples/aws-docs/v2-ipv6.log \
  samples/flowlogs-reader/v3-file-with-header.log samples/flowlogs-reader/v4-file-with-header.log
bins=()
for f in "$@"; do
  flowcat -O bin "$f" > "$WORK/$(basename "$f" .log).flows"
  bins+=("$WORK/$(basename "$f" .log).flows")
done
for args in "--count" \
            "--count --since 1614866000" \
            "--fields dstport,srcaddr,vpc-id" \
            "--fields end,version,x-not-in-input" \
            "--fields end,version -O json" \
            "--fields bytes,tcp-flags --since 1500000000 --until 1614866000" \
            "--merge --fields srcaddr,start" \
            "--merge --count"; do
  echo "== flowcat $args"
  flowcat $args "$@" > "$WORK/text.out" 2>&1
  flowcat $args "${bins[@]}" > "$WORK/bin.out" 2>&1
  cat "$WORK/bin.out"
  cmp -s "$WORK/text.out" "$WORK/bin.out" && echo "(same as text)" || diff "$WORK/text.out" "$WORK/bin.out"
done
