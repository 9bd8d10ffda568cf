# 0: something matched; 1: nothing matched; 2: a mistake in the expression or a data error.
f=policy/flows.log
flowfilter -c 'dstport == 22' $f; echo "exit $?"
flowfilter -c 'dstport == 23' $f; echo "exit $?"
flowfilter 'dstport == 23' $f; echo "exit $?"  # nothing written before it, not even the header
flowfilter -c 'dstprot == 23' $f 2>/dev/null; echo "exit $?"
printf 'version srcaddr\n2 10.0.0.300\n' | flowfilter -c 'srcaddr == 10.0.0.1'; echo "exit $?"
