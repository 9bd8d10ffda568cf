# Two hours of a generated estate with every scenario (version 5: tcp-flags and pkt-* addresses):
# as many conversations as flowgen simulated connections, and dedup's bytes equal theirs. (The
# DDoS scenario's spoofed SYNs may reuse a source port: connections with the same endpoints
# seconds apart are one conversation; the unit tests compare every conversation's bytes.)
flowgen --seed 5 --duration 2h --rate 2 --log-version 5 --skipdata-rate 0 --scenario all \
  --connections "$WORK/conns.jsonl" -O bin -o "$WORK/f.flows"
echo "connections: $(jq -r '[.protocol,.initiator,.initiator_port,.responder,.responder_port]|@tsv' "$WORK/conns.jsonl" | sort -u | wc -l)"
echo "conversations: $(flowjoin -q --stitch "$WORK/f.flows" -O bin | flowcat --count)"
echo "truth bytes: $(jq -s 'map(.bytes_fwd + .bytes_rev) | add' "$WORK/conns.jsonl")"
echo "dedup bytes: $(flowjoin -q --dedup "$WORK/f.flows" -O bin | flowagg -a bytes -O aws --no-header)"
