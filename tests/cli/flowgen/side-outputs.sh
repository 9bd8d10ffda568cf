# The estate table, the intended policy, ground truth and connections, for a small estate.
flowgen --hosts 4 --duration 30m --rate 1 --scenario port-scan,misconfigured-sg \
  --estate $WORK/estate.csv --policy $WORK/estate.policy --truth $WORK/truth.jsonl \
  --connections $WORK/conns.jsonl -o $WORK/flows.log
cat $WORK/estate.csv $WORK/estate.policy $WORK/truth.jsonl
head -3 $WORK/conns.jsonl
echo "records: $(($(wc -l < $WORK/flows.log) - 1)), connections: $(wc -l < $WORK/conns.jsonl)"
