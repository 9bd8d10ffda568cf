# SIGTERM with slow clients connected: a head arriving a byte a second is dropped at once, a body
# arriving at 100 bytes a second is given --grace seconds and then cut off (never acknowledged);
# flowcat commits what it acknowledged and exits within the grace period.
. ../cli/net-helpers.bash
listen_start /dev/null $WORK/err -o $WORK/out.log --grace 1 --header-timeout 30
post -o /dev/null --data-binary @samples/aws-docs/v2-default-accept-reject.log http://127.0.0.1:$PORT/
trap '' PIPE
( exec 3<>/dev/tcp/127.0.0.1/$PORT
  for _ in $(seq 20); do printf P >&3 || break; sleep 1; done 2>/dev/null ) &
flowgen --flows 200 --seed 5 >$WORK/body.log
curl -sS --max-time 30 --limit-rate 100 -o /dev/null -w 'slow body: %{http_code}\n' --data-binary @$WORK/body.log \
  http://127.0.0.1:$PORT/ 2>/dev/null >$WORK/curl.out &
sleep 1
start=$(date +%s%N)
listen_stop
took=$((($(date +%s%N) - start) / 1000000))
echo "stopped within 3 s: $([ $took -lt 3000 ] && echo yes || echo "no ($took ms)")"
wait
cat $WORK/curl.out
echo "records written: $(flowcat --count $WORK/out.log)"
no_port <$WORK/err
