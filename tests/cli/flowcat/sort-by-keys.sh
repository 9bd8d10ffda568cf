# --sort KEYS: a stable sort (ties in input order), a record without a value for a key first,
# addresses IPv4 before IPv6; --reverse turns the order round (nulls last, ties still in input
# order). Names are checked, with a suggestion.
cat >$WORK/in.log <<'LOG'
version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
2 123456789012 eni-a 10.0.0.2 10.0.0.9 443 5000 6 10 900 1700000060 1700000120 ACCEPT OK
2 123456789012 eni-a 10.0.0.10 10.0.0.9 443 5001 6 10 100 1700000000 1700000060 ACCEPT OK
2 123456789012 eni-b 10.0.0.3 10.0.0.9 22 5002 6 1 40 1700000060 1700000120 REJECT OK
2 123456789012 eni-a - - - - - - - 1700000030 1700000090 - NODATA
2 123456789012 eni-b 2001:db8::1 10.0.0.9 53 5003 17 2 200 1700000000 1700000060 ACCEPT OK
2 123456789012 eni-b 10.0.0.10 10.0.0.9 443 5001 6 10 100 1700000000 1700000060 ACCEPT OK
2 123456789012 eni-c 10.0.0.4 10.0.0.9 80 5004 6 3 300 - - ACCEPT OK
LOG
echo "== --sort start"
flowcat --sort start $WORK/in.log
echo "== --sort srcaddr,start"
flowcat --sort srcaddr,start -O table --fields srcaddr,start,interface-id $WORK/in.log
echo "== --sort bytes --reverse"
flowcat --sort bytes --reverse -O table --fields bytes,interface-id,srcaddr $WORK/in.log
echo "== errors"
flowcat --sort strat $WORK/in.log; echo "exit $?"
flowcat --sort start,dst_port $WORK/in.log; echo "exit $?"
flowcat --reverse $WORK/in.log; echo "exit $?"
flowcat --sort start --merge $WORK/in.log; echo "exit $?"
