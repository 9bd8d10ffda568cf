# SIGTERM while a request is arriving: flowcat stops accepting, yet finishes that request (written,
# then 200) before it commits the output and exits 0. The body trickles in over about 3 s.
. ../cli/net-helpers.bash
listen_start /dev/null $WORK/err -o $WORK/out.log
flowgen --flows 60 --seed 5 >$WORK/body.log
curl -sS --max-time 30 --limit-rate 2K -o /dev/null -w 'in flight: %{http_code}\n' --data-binary @$WORK/body.log \
  http://127.0.0.1:$PORT/ >$WORK/curl.out &
curl_pid=$!
sleep 1
listen_stop
wait $curl_pid
cat $WORK/curl.out
curl -sS --max-time 5 -o /dev/null --data-binary @$WORK/body.log http://127.0.0.1:$PORT/ 2>/dev/null || echo "after the stop: refused"
echo "records sent: $(flowcat --count $WORK/body.log), written: $(flowcat --count $WORK/out.log)"
