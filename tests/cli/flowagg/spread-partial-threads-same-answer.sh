# With --spread, threads, spilling and --partial/--merge give the answer of one plain run; the
# spread is part of a partial state's spec (only like states merge).
flowgen --seed 6 --duration 40m --scenario all -o "$WORK/a.log"
flowcat -O bin "$WORK/a.log" -o "$WORK/a.flows"
spec=(-k interface-id,start/1m -a 'count,packets,bytes,max(bytes)' --spread)
flowagg --threads 1 "${spec[@]}" "$WORK/a.log" > "$WORK/one"
echo "$(($(wc -l < "$WORK/one") - 1)) groups"
for f in a.log a.flows; do
  for t in 1 3; do
    for m in 1G 64k; do
      cmp "$WORK/one" <(flowagg --threads $t --memory $m "${spec[@]}" "$WORK/$f") && echo "$f, $t threads, --memory $m: same answer"
    done
  done
done
spec=(-k start/1m -a packets,bytes --spread)
flowagg "${spec[@]}" "$WORK/a.log" > "$WORK/one"
echo "bytes read: $(flowagg -a bytes --no-header "$WORK/a.log"); spread: $(flowagg -a bytes --no-header "$WORK/one")"
head -1 "$WORK/a.log" > "$WORK/h"
tail -n +2 "$WORK/a.log" > "$WORK/body"
split -n l/3 "$WORK/body" "$WORK/part."
for p in "$WORK"/part.a?; do cat "$WORK/h" "$p" | flowagg "${spec[@]}" --partial -o "$p.state"; done
cmp "$WORK/one" <(flowagg --merge "$WORK"/part.a?.state) && echo "merged partials: same answer"
cmp "$WORK/one" <(flowagg --merge "${spec[@]}" "$WORK"/part.a?.state) && echo "merged partials, spec given: same answer"
cd "$WORK" && flowagg --merge -k start/1m -a packets,bytes part.aa.state; echo "exit $?"
