# --listen under slow and idle clients: eight connections sending their head a byte every half
# second for 4 s are answered 408 after --header-timeout (3 s) while an ordinary request is served
# at once; a connection past --max-connections is answered 503; a wrong access key is refused
# (401) as soon as the head is in, before any of the body is sent.
. ../cli/net-helpers.bash
listen_start /dev/null $WORK/err --header-timeout 3 --max-connections 9 --access-key k3y
trap '' PIPE
slow() {  # slow N: a head a byte every 0.5 s for 4 s; the answer goes to $WORK/slow.N
  exec 3<>/dev/tcp/127.0.0.1/$PORT
  : >$WORK/connected.$1
  cat <&3 >$WORK/slow.$1 &
  for c in P O S T ' ' / ' ' H; do printf %s "$c" >&3 || break; sleep 0.5; done 2>/dev/null
  wait
}
pids=()
for i in 1 2 3 4 5 6 7 8; do
  slow $i &
  pids+=($!)
done
for _ in $(seq 100); do [ "$(ls $WORK | grep -c connected)" = 8 ] && break; sleep 0.02; done
echo "== a tenth connection (nine allowed)"
exec 4<>/dev/tcp/127.0.0.1/$PORT
post --max-time 3 -H 'X-Amz-Firehose-Access-Key: k3y' --data-binary @samples/aws-docs/v2-default-accept-reject.log \
  http://127.0.0.1:$PORT/
exec 4>&-
echo "== an ordinary request beside eight slow ones (once the ninth connection is closed)"
post --retry 5 --retry-delay 1 --max-time 3 -H 'X-Amz-Firehose-Access-Key: k3y' \
  --data-binary @samples/aws-docs/v2-default-accept-reject.log http://127.0.0.1:$PORT/
wait "${pids[@]}"
echo "== what the slow clients were told"
for i in 1 2 3 4 5 6 7 8; do head -1 $WORK/slow.$i | tr -d '\r'; done | sort | uniq -c
echo "== a wrong key with a body of 1 MB that is never sent"
exec 3<>/dev/tcp/127.0.0.1/$PORT
printf 'POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Firehose-Access-Key: nope\r\nContent-Length: 1000000\r\n\r\n' >&3
timeout 3 head -1 <&3 | tr -d '\r'
exec 3>&-
listen_stop
no_port <$WORK/err
