# A port scan stands out: rejected traffic from one source to many ports.
flowgen --seed 3 --duration 20m --scenario port-scan -O bin -o "$WORK/day.flows"
flowagg -w 'action == REJECT' -k srcaddr -a 'count,ports=distinct(dstport),approx-distinct(dstport)' \
  --having 'ports > 50' "$WORK/day.flows"
echo '# --having on a field and a value column'
flowagg -k protocol -a count,bytes --having 'records >= 3 and bytes > 1000' policy/flows.log
