# Mistakes: usage errors exit 2, data errors exit 1, each with what and where.
flowagg -k dstport/24 policy/flows.log; echo "exit $?"
flowagg -k srcaddr -a 'sum(action)' policy/flows.log; echo "exit $?"
flowagg -k srcaddr -a 'frob(bytes)' policy/flows.log; echo "exit $?"
flowagg -k dstport -a 'count,srcaddr=distinct(srcport)' policy/flows.log; echo "exit $?"
flowagg -k dstport -a 'count,action=count' policy/flows.log; echo "exit $?"
flowagg -k srcaddr -a 'stdev(bytes)' policy/flows.log; echo "exit $?"
flowagg -k dst_port policy/flows.log; echo "exit $?"
flowagg -k srcaddr --by packets -a count policy/flows.log; echo "exit $?"
flowagg -k srcaddr --having 'recrods > 1' policy/flows.log; echo "exit $?"
flowagg -k team policy/flows.log; echo "exit $?"
flowagg -k srcaddr --partial --top 3 -o "$WORK/s" policy/flows.log; echo "exit $?"
flowagg -k srcaddr --partial -o "$WORK/s" policy/flows.log && head -c 100 "$WORK/s" > "$WORK/cut"
cd "$WORK" || exit
flowagg --merge cut; echo "exit $?"
flowagg -k dstaddr --merge s; echo "exit $?"
sed '1s/ [0-9]*$/ 2/' s > old; flowagg --merge old; echo "exit $?"
cmp <(flowagg --merge s) <(sed '1s/ [0-9]*$/ 3/' s | flowagg --merge) && echo 'a file of format 3 (no variances, conditions or either-side keys) is read'
cd - > /dev/null || exit
flowagg --merge policy/flows.log; echo "exit $?"
flowgen --seed 2 --duration 1h | flowagg -k srcaddr --unsorted | head -1; echo "exit ${PIPESTATUS[1]}"
