# --partial states of parts, merged, equal one run over the whole; so does a run that spills.
flowgen --seed 5 --duration 30m --scenario all -o "$WORK/all.log"
spec=(-k srcaddr/24,dstport -a 'count,bytes,max(packets),distinct(dstaddr),approx-distinct(srcport),p90(bytes),first,last')
flowagg "${spec[@]}" "$WORK/all.log" > "$WORK/one.txt"
head -1 "$WORK/all.log" > "$WORK/h"
tail -n +2 "$WORK/all.log" > "$WORK/body"
split -n l/3 "$WORK/body" "$WORK/part."
for p in "$WORK"/part.a?; do
  cat "$WORK/h" "$p" | flowagg "${spec[@]}" --partial -o "$p.state"
done
flowagg --merge "$WORK"/part.a?.state > "$WORK/merged.txt"
cmp "$WORK/one.txt" "$WORK/merged.txt" && echo "merged partials: same answer"
flowagg "${spec[@]}" --memory 64k "$WORK/all.log" > "$WORK/spilled.txt"
cmp "$WORK/one.txt" "$WORK/spilled.txt" && echo "spilled: same answer"
flowagg "${spec[@]}" --memory 64k --top 5 --by bytes "$WORK/all.log" > "$WORK/top-spilled.txt"
flowagg "${spec[@]}" --top 5 --by bytes "$WORK/all.log" | cmp - "$WORK/top-spilled.txt" && echo "top 5, spilled: same answer"
wc -l < "$WORK/one.txt"
