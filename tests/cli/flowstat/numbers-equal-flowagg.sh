# flowstat's numbers are flowagg's for the same questions.
flowgen --seed 4 --duration 1h --scenario all -O bin -o "$WORK/f.flows"
flowstat -O json "$WORK/f.flows" > "$WORK/s.json"
same() {  # what, flowstat's answer, flowagg's answer
  if [ "$2" = "$3" ]; then echo "$1: same"; else echo "$1: DIFFERENT"; echo " flowstat: $2"; echo " flowagg: $3"; fi
}
same totals "$(jq -r '.totals | "\(.records) \(.packets) \(.bytes) \(.first) \(.last) \(.interfaces)"' "$WORK/s.json")" \
  "$(flowagg -a count,packets,bytes,first,last,'distinct(interface-id)' --no-header "$WORK/f.flows")"
same actions "$(jq -r '.actions | to_entries[] | "\(.key) \(.value.records) \(.value.packets) \(.value.bytes)"' "$WORK/s.json" | sed 's/^- /- /' | sort)" \
  "$(flowagg -k action -a count,packets,bytes --no-header "$WORK/f.flows" | sed 's/ - - *$/ 0 0/;s/^- \([0-9]*\) -/- \1 0/' | sort)"
same "top sources by bytes" "$(jq -r '.top.sources_by_bytes[] | "\(.srcaddr) \(.records) \(.bytes)"' "$WORK/s.json")" \
  "$(flowagg -w 'srcaddr is not null' -k srcaddr -a count,bytes --top 10 --no-header "$WORK/f.flows")"
same "top pairs by records" "$(jq -r '.top.pairs_by_records[] | "\(.srcaddr) \(.dstaddr) \(.records) \(.bytes)"' "$WORK/s.json")" \
  "$(flowagg -w 'srcaddr is not null' -k srcaddr,dstaddr -a count,bytes --by records --top 10 --no-header "$WORK/f.flows")"
same "ports by bytes" "$(jq -r '.top.ports_by_bytes[] | "\(.protocol) \(.dstport) \(.records) \(.bytes)"' "$WORK/s.json")" \
  "$(flowagg -w 'dstport is not null' -k protocol,dstport -a count,bytes --top 10 --no-header "$WORK/f.flows")"
same "bytes percentiles" "$(jq -r '.distributions.bytes | "\(.p50) \(.p90) \(.p99) \(.max)"' "$WORK/s.json")" \
  "$(flowagg -a 'p50(bytes),p90(bytes),p99(bytes),max(bytes)' --no-header "$WORK/f.flows")"
same "duration percentiles" "$(jq -r '.distributions.duration | "\(.p50) \(.p90) \(.p99) \(.max)"' "$WORK/s.json")" \
  "$(flowagg -w 'bytes is not null' -a 'p50(duration),p90(duration),p99(duration),max(duration)' --no-header "$WORK/f.flows")"
same "bytes histogram" "$(jq -r '.distributions.bytes.histogram[1].records' "$WORK/s.json")" \
  "$(flowagg -w 'bytes > 100 and bytes <= 1000' -a count --no-header "$WORK/f.flows")"
bin=$(jq .timeline.bin_seconds "$WORK/s.json")
same "timeline ($bin s bins)" "$(jq -r '.timeline.bins[] | "\(.start) \(.records) \(.bytes)"' "$WORK/s.json")" \
  "$(flowagg -w 'start is not null' -k "start/${bin}s" -a count,bytes --no-header "$WORK/f.flows")"
same "rejected sources" "$(jq -r '.rejected.top_sources[] | "\(.srcaddr) \(.records) \(.ports)"' "$WORK/s.json")" \
  "$(flowagg -w 'action == REJECT and srcaddr is not null' -k srcaddr -a count,'ports=distinct(dstport)' --by records --top 10 --no-header "$WORK/f.flows")"
# Binary input is read as columns, text as records: the same records give the same report.
flowcat "$WORK/f.flows" > "$WORK/f.log"
cmp <(flowstat -O json "$WORK/f.flows") <(flowstat -O json "$WORK/f.log") && echo "binary and text of the same records: same report"
