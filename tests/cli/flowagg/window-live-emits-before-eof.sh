# --window on a live input: a window's groups go out (flushed) as soon as the input's time (the
# latest end) has passed the window's end by --lateness, while the producer still runs; a record
# whose window was already written is counted in a warning (exit 1), never silently dropped.
records() {
  echo 'version srcaddr dstport bytes start end'
  echo '2 10.0.1.5 443 100 1717372800 1717372830'   # window 00:00
  echo '2 10.0.1.5 443 50 1717372810 1717372850'
  echo '2 10.0.2.9 22 7 1717372859 1717372860'
  echo '2 10.0.1.5 443 1 1717372865 1717372900'     # window 00:01; the input's time 00:01:40
}
later() {
  echo '2 10.0.2.9 22 1000 1717372820 1717372840'   # late: window 00:00 went out
  echo '2 10.0.2.9 22 5 1717372870 1717372880'
}
spec=(--window 1m --lateness 30s -k srcaddr -a count,bytes -O json)
{ records; later; } | flowagg "${spec[@]}" > "$WORK/want" 2> "$WORK/want.err"
echo "without a pause: exit $?"
t0=$(date +%s%N)
{ records; sleep 4; later; } | flowagg "${spec[@]}" 2> "$WORK/got.err" | {
  IFS= read -r first
  echo $((($(date +%s%N) - t0) / 1000000)) > "$WORK/ms"
  printf '%s\n' "$first"
  cat
} > "$WORK/got"
echo "with a pause: exit ${PIPESTATUS[1]}"
ms=$(cat "$WORK/ms")
if [ "$ms" -lt 1500 ]; then echo "window 00:00 before the input ended"; else echo "window 00:00 after $ms ms"; fi
cmp "$WORK/want" "$WORK/got" && cmp "$WORK/want.err" "$WORK/got.err" && echo "same output"
cat "$WORK/got" "$WORK/got.err"
echo '# no late records: exit 0; --top applies to each window; windows of an hour with minute bins'
records | flowagg --window 1m --lateness 0 -k srcaddr -a bytes --top 1 -O table; echo "exit $?"
records | flowagg --window 1h -k srcaddr,start/1m -a bytes -O table; echo "exit $?"
echo '# usage'
records | flowagg --window 1m --spread -k start/1m; echo "exit $?"
records | flowagg --window 1m -k srcaddr -a window=count; echo "exit $?"
records | flowagg --lateness 5m -k srcaddr; echo "exit $?"
