# Issue 18: per-minute byte rates with --spread match flowgen's ground truth (--connections: each
# connection's bytes at an even rate over its [start, end)), at an interface with 600 s capture
# windows (the NAT gateway) as at one with 60 s windows (the app host); without --spread they do
# not: a 600 s record lands whole in one minute, and 60 s windows not aligned to the minute put
# two records in one minute and none in the next.
flowgen --seed 3 --start 2024-06-03T00:00:00Z --duration 1h --rate 0.2 --scenario exfiltration \
  --connections "$WORK/conns.jsonl" --estate "$WORK/estate.csv" -o "$WORK/flows.log"
# The truth, worked out apart from flowagg: bytes per minute of the exfiltration's connections,
# and the fastest rate among them (bytes/s).
jq -rn '[inputs | select(.scenario == "exfiltration") | . as $c | ($c.bytes_fwd / ($c.end - $c.start)) as $rate
         | range((.start / 60 | floor) * 60; .end; 60)
         | {m: ., r: $rate, b: ($rate * (([. + 60, $c.end] | min) - ([., $c.start] | max)))}]
        | group_by(.m)[] | "truth \(.[0].m) \(map(.b) | add) \(map(.r) | max)"' "$WORK/conns.jsonl" > "$WORK/truth"
echo "$(wc -l < "$WORK/truth") minutes of exfiltration; capture windows (s) where it was seen:"
flowfilter 'srcaddr == 10.0.16.15 and dstport == 4444' "$WORK/flows.log" |
  flowjoin --table interface-id="$WORK/estate.csv" -O bin > "$WORK/seen.flows"
flowagg -k tier,capture-window -a count "$WORK/seen.flows"
for spread in "" --spread; do
  flowagg -k tier,start/1m -a bytes $spread --no-header "$WORK/seen.flows" > "$WORK/measured"
  # Each tier's minutes (those of the truth and those measured) within 2 s of traffic of the
  # truth: flowgen's times are whole seconds (a record's end is the second of its last packet),
  # and flowagg reads [start, end) as AWS writes it (end - start = 60 for a minute's window).
  awk -v how="${spread:-whole}" '
    $1 == "truth" { truth[$2] = $3; rate[$2] = $4; next }
    { got[$1 " " $2] = $3; tiers[$1] = 1 }
    END {
      for (t in tiers) {
        n = 0; ok = 0; peak = 0; tpeak = 0
        for (m in truth) all[m] = 1
        for (k in got) { split(k, p, " "); if (p[1] == t) all[p[2]] = 1 }
        for (m in all) {
          n++; g = got[t " " m] + 0; w = truth[m] + 0
          if (g - w <= 2 * rate[m] && w - g <= 2 * rate[m]) ok++
          if (g > peak) peak = g
          if (w > tpeak) tpeak = w
        }
        printf "%s, %s: %d of %d minutes within 2 s of traffic of the truth; peak %.1f Mbit/s (truth %.1f)\n", t, how, ok, n, peak * 8 / 60e6, tpeak * 8 / 60e6
        delete all
      }
    }' "$WORK/truth" "$WORK/measured" | sort
done
