# A GCP VPC flow jsonPayload without the LogEntry around it (as the client libraries hand it
# out) is read as GCP: the same flows, counters and times as the entries it came from. It used
# to read as generic JSON with no traffic field, exit 0 (flowstat: 3 records, 0 bytes).
fields=start,srcaddr,srcport,dstaddr,dstport,protocol,packets,bytes,action,flow-direction,gcp.reporter
gcp=(samples/otel-collector-contrib/gcp/*.json)
flowcat -O csv --fields $fields "${gcp[@]}" > "$WORK/entries.csv"
jq -c 'if type == "array" then .[] else . end | .jsonPayload' "${gcp[@]}" > "$WORK/payloads.jsonl"
flowcat -O csv --fields $fields "$WORK/payloads.jsonl" > "$WORK/payloads.csv"
cmp "$WORK/entries.csv" "$WORK/payloads.csv" && cat "$WORK/payloads.csv"
flowstat "$WORK/payloads.jsonl" | grep -E '^ *(records|bytes) '
# JSON of no known shape, none of whose keys is a flow-log field, is an error naming its line
# (skipped and counted with --on-error=skip), not records of nothing.
cd "$WORK"
printf '{"srcaddr":"10.0.0.1","bytes":5}\n{"foo":1,"bar":{"baz":2}}\n{}\n' > odd.jsonl
flowcat -O csv odd.jsonl; echo "exit $?"
flowcat -O csv --on-error=skip odd.jsonl; echo "exit $?"
