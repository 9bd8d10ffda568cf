# flowgen's intended policy against its own traffic: no violation without scenarios; with each
# scenario, the connections flowfilter --policy reports (from the scenario's sources) are exactly
# those of the ground truth, of the kind the truth expects.
flowgen --duration 6h --rate 3 --seed 11 --log-version 5 --policy $WORK/estate.policy -O bin -o $WORK/clean.flows
flowfilter --policy $WORK/estate.policy -q -o /dev/null $WORK/clean.flows; echo "no scenario: exit $?"
for s in port-scan ssh-brute-force exfiltration ddos lateral-movement misconfigured-sg; do
  flowgen --duration 6h --rate 3 --seed 11 --log-version 5 --scenario $s --truth $WORK/truth.jsonl -O bin -o $WORK/$s.flows
  flowfilter --policy $WORK/estate.policy --report sarif=$WORK/$s.sarif -o /dev/null $WORK/$s.flows 2>/dev/null
  code=$?
  jq -r '"\(.scenario): truth \(.connections) connections (\(.accepted) accepted, \(.rejected) rejected), expects \(.policy)"' $WORK/truth.jsonl
  echo "  flowfilter --policy: exit $code"
  # Connections reported per violation kind, counting only groups opened by the scenario's sources.
  jq -r --slurpfile t $WORK/truth.jsonl '
    ($t[0].sources) as $src
    | [.runs[0].results[] | select(.message.text | split(" ")[0] as $from | $src | index($from))]
    | group_by(.properties.violation)
    | map("\(.[0].properties.violation) \(map(.properties.connections) | add)") | join(", ")
    | "  reported: " + (if . == "" then "none" else . end)' $WORK/$s.sarif
done
