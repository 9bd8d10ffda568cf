# A mistake is shown with a caret under it, before any input is read (stdin is never touched).
flowfilter 'dst_port == 22'; echo "exit $?"
flowfilter 'action == REJECTED or (dstport in {22, 80'; echo "exit $?"
flowfilter -c 'srcaddr in @no-such-list.txt' policy/flows.log; echo "exit $?"
printf 'action == REJECT and\n  bytes > 10Q\n' > $WORK/rules.expr
flowfilter -f $WORK/rules.expr policy/flows.log 2>&1 | sed "s|$WORK/||"; echo "exit ${PIPESTATUS[0]}"
# --fields: a typo of a field is suggested, as in the expression.
flowfilter --fields srcaddr,dstprot true samples/aws-docs/v2-ipv6.log; echo "exit $?"
