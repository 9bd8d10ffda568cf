# A value with a condition takes only the records matching it: the same groups and values as
# flowfilter's selection grouped, also from the binary format (columns), with threads, and through
# --partial/--merge; a merge of another condition is refused.
flowgen --seed 8 --duration 40m --scenario all -o "$WORK/f.log"
flowcat -O bin "$WORK/f.log" -o "$WORK/f.flows"
c='action == REJECT or dstport == 22'
flowagg -k dstport -a "n=count(where $c),b=sum(bytes where $c),d=distinct(srcaddr where $c),p=p90(bytes where $c),s=stddev(packets where $c)" \
  --having 'n > 0' "$WORK/f.log" > "$WORK/cond"
flowfilter "$c" "$WORK/f.log" | flowagg -k dstport -a 'n=count,b=sum(bytes),d=distinct(srcaddr),p=p90(bytes),s=stddev(packets)' > "$WORK/selected"
cmp "$WORK/cond" "$WORK/selected" && echo "conditional values = flowfilter, then flowagg: $(($(wc -l < "$WORK/cond") - 1)) groups"
echo '# the deny ratio per subnet per hour, its two terms in one call (the busiest five)'
spec=(-k srcaddr/24,start/1h -a 'count,rejected=count(where action == REJECT),rejected-bytes=sum(bytes where action == REJECT)')
flowagg "${spec[@]}" --top 5 --by rejected -O table "$WORK/f.log"
flowagg "${spec[@]}" "$WORK/f.log" > "$WORK/one"
for f in f.log f.flows; do
  for t in 1 2 3; do cmp "$WORK/one" <(flowagg --threads $t "${spec[@]}" "$WORK/$f") && echo "$f, $t threads: same answer"; done
done
cmp "$WORK/one" <(flowagg --memory 16k "${spec[@]}" "$WORK/f.log") && echo "spilled: same answer"
head -1 "$WORK/f.log" > "$WORK/h"
tail -n +2 "$WORK/f.log" > "$WORK/body"
split -n l/2 "$WORK/body" "$WORK/part."
for p in "$WORK"/part.a?; do cat "$WORK/h" "$p" | flowagg "${spec[@]}" --partial -o "$p.state"; done
cmp "$WORK/one" <(flowagg --merge "$WORK"/part.a?.state) && echo "merged partials: same answer"
cd "$WORK" || exit
flowagg -k srcaddr/24,start/1h -a 'count,rejected=count(where action == ACCEPT),rejected-bytes=sum(bytes where action == REJECT)' \
  --merge part.aa.state > /dev/null
echo "exit $?"
echo '# a condition needs a name; its mistakes are shown at once'
flowagg -a 'count(where action == REJECT)' f.log; echo "exit $?"
flowagg -a 'n=count(where action === REJECT)' f.log; echo "exit $?"
