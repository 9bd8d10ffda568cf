# Read in parallel (a text file split at lines, a binary file shared by blocks), the answer is
# the one of a single thread, also across a header that changes the format mid-file, and errors
# name the line of the whole file.
flowgen --seed 6 --duration 40m --scenario all -o "$WORK/a.log"
flowcat --fields dstport,srcaddr,bytes,start,end "$WORK/a.log" > "$WORK/b.log"
cat "$WORK/a.log" "$WORK/b.log" > "$WORK/c.log"
flowcat -O bin "$WORK/c.log" -o "$WORK/c.flows"
spec=(-k srcaddr/24,dstport -a 'count,bytes,distinct(srcaddr),approx-distinct(dstport),p90(bytes),first,last')
for f in c.log c.flows; do
  flowagg --threads 1 "${spec[@]}" "$WORK/$f" > "$WORK/one"
  for t in 2 3; do cmp "$WORK/one" <(flowagg --threads $t "${spec[@]}" "$WORK/$f") && echo "$f, $t threads: same answer"; done
done
echo "$(wc -c < "$WORK/c.log" | awk '{ print ($1 > 4 * 1048576) ? "big enough to split" : "too small to split" }')"
echo '# many groups: the threads pass rows to the one owning their partition (also spilling, and'
echo '# with a string value, whose rows stay where they are read)'
flowgen --seed 7 --duration 5h -O bin -o "$WORK/m.flows"
for a in 'count,bytes,max(packets),p90(bytes),mean(packets)' 'count,bytes,distinct(action)'; do
  spec=(-k srcaddr,srcport,dstport -a "$a")
  flowagg --threads 1 "${spec[@]}" "$WORK/m.flows" > "$WORK/one"
  echo "$a: $(($(wc -l < "$WORK/one") - 1)) groups"
  for t in 2 3; do
    for m in 1G 24M 2M; do
      cmp "$WORK/one" <(flowagg --threads $t --memory $m "${spec[@]}" "$WORK/m.flows") && echo "  $t threads, --memory $m: same answer"
    done
  done
done
echo '# unsorted, many groups: the last partitions are grouped while the first are written (also'
echo '# from text, and when the reader of the output goes away early)'
spec=(-k srcaddr,srcport,dstport -a count,bytes,packets --unsorted --no-header)
flowagg --threads 1 "${spec[@]}" "$WORK/m.flows" | sort > "$WORK/one"
flowcat "$WORK/m.flows" > "$WORK/m.log"
for t in 2 3; do
  for m in 1G 24M 2M; do
    cmp "$WORK/one" <(flowagg --threads $t --memory $m "${spec[@]}" "$WORK/m.flows" | sort) && echo "  $t threads, --memory $m: same groups"
  done
  cmp "$WORK/one" <(flowagg --threads $t "${spec[@]}" "$WORK/m.log" | sort) && echo "  text, $t threads: same groups"
  flowagg --threads $t "${spec[@]}" "$WORK/m.log" | head -n 1 > /dev/null
  echo "  text, $t threads, into head -n 1: exit ${PIPESTATUS[0]}"
done
echo '# one key: binary columns look each dictionary code up once (text: every record)'
spec=(-k bytes -a 'count,packets,p90(packets)')
flowcat "$WORK/m.flows" | flowagg --threads 1 "${spec[@]}" > "$WORK/one"
echo "bytes: $(($(wc -l < "$WORK/one") - 1)) groups"
for t in 1 2 3; do
  for m in 1G 2M; do
    cmp "$WORK/one" <(flowagg --threads $t --memory $m "${spec[@]}" "$WORK/m.flows") && echo "  binary, $t threads, --memory $m: same answer"
  done
done
lines=$(wc -l < "$WORK/c.log")
echo 'version srcaddr' >> "$WORK/c.log"
echo '2 10.0.0.1 x' >> "$WORK/c.log"
cd "$WORK" && flowagg --threads 3 -a count c.log 2>&1 | sed "s/:$((lines + 2)):/:LAST:/"
echo '# a bad header line in the middle: the rest is not read, with any number of threads'
{ cat a.log; echo 'version srcaddr srcaddr'; cat b.log b.log; } > d.log
for t in 1 3; do flowagg --threads $t --on-error=skip -a count d.log 2>&1; done
