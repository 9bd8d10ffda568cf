# Every record stream a tool writes reads back (issue 18): the output of flowagg (values named
# anything, of each type), flowjoin (enriched columns, --stitch conversations) and flowcat
# --fields, in each output format, piped back through flowcat gives the same values and types
# as through the binary format. Shown once (the binary path), then each format: "same" or the diff.
cd "$WORK" || exit
flowgen --seed 18 --duration 10m -O bin -o f.flows
join=$OLDPWD/join
produce() {  # produce NAME FORMAT
  case $1 in
    agg) flowagg -k dstport -a 'count,conns=distinct(srcport),first,last,pkts=max(packets)' --top 4 --by records -O "$2" f.flows ;;
    agg-by-name) flowagg -k srcaddr/8 -a 'count,hosts=distinct(dstaddr)' --top 3 --by records -O "$2" f.flows ;;
    enrich) flowjoin --table interface-id="$join/estate.csv" --fields interface-id,srcaddr,tier,service,owner,bytes -O "$2" "$join/flows.log" ;;
    stitch) flowjoin -q --stitch -O "$2" "$join/flows.log" ;;
    fields) flowcat --fields dstport,srcaddr,action,start -O "$2" "$join/flows.log" ;;
  esac
}
for p in agg agg-by-name enrich stitch fields; do
  echo "== $p"
  produce $p bin | flowcat -O json > "$p.bin.json"
  cat "$p.bin.json"
  for f in aws json csv; do
    produce $p $f > "$p.$f"
    flowcat -O json "$p.$f" > "$p.$f.json" 2>&1
    if cmp -s "$p.bin.json" "$p.$f.json"; then echo "$f: same"; else echo "$f: differs"; diff "$p.bin.json" "$p.$f.json"; fi
  done
done
echo "== every tool reads them"
for f in aws json csv bin; do
  produce agg $f > a.$f
  echo "$f: $(flowfilter '${conns} > 1 and ${pkts} >= 1' a.$f | flowagg -a 'count,sum(conns)' -O csv | tail -1)" \
    "$(flowstat a.$f | grep -E '^ *records' | tr -s ' ')"
done
echo "== the issue's reproducers"
flowgen --seed 18 --flows 1000 | flowagg -k srcaddr -a 'count,conns=distinct(srcport)' | flowagg -a count
flowgen --seed 18 --flows 1000 | flowagg -k srcaddr -O json | flowcat -c
flowgen --seed 18 --flows 1000 | flowagg -k dstport -a 'count,srcaddr=distinct(srcport),action=count' -O json | head -1
echo "exit ${PIPESTATUS[1]}"
flowgen --seed 18 --flows 1000 | flowagg -a count -O json | flowcat
