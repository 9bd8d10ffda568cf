# -v selects the others; --rest gets what was not selected; -c counts. Together they add up.
f=policy/flows.log
flowfilter -c 'dstport in {22, 5432}' $f
flowfilter -c -v 'dstport in {22, 5432}' $f
flowfilter 'dstport in {22, 5432}' --rest $WORK/rest --no-header $f
echo "-- rest:"
cat $WORK/rest
# The binary format is matched a batch of columns at a time: the same counts and records, with
# -v sending the matches to --rest.
flowcat -O bin $f > $WORK/f.flows
flowfilter -c 'dstport in {22, 5432}' $WORK/f.flows
flowfilter -c -v 'dstport in {22, 5432}' $WORK/f.flows
flowfilter -v 'dstport in {22, 5432}' --rest $WORK/rest-bin --no-header $WORK/f.flows > $WORK/selected-bin
flowfilter 'dstport in {22, 5432}' --no-header $f | cmp - $WORK/rest-bin && echo "binary, -v --rest: the matches"
cmp $WORK/rest $WORK/selected-bin && echo "binary, -v: the others"
# Binary, no match: a count of 0 and exit 1 (the case's status, in invert-count-rest.exit).
flowfilter -c 'dstport == 1' $WORK/f.flows
