# -v selects the others; --rest gets what was not selected; -c counts. Together they add up.
f=policy/flows.log
flowfilter -c 'dstport in {22, 5432}' $f
flowfilter -c -v 'dstport in {22, 5432}' $f
flowfilter 'dstport in {22, 5432}' --rest $WORK/rest --no-header $f
echo "-- rest:"
cat $WORK/rest
