# --listen | head -1: when the reader of its output goes away, the request that cannot be written
# is not acknowledged (503) and flowcat ends quietly with 0.
. ../cli/net-helpers.bash
rm -f $WORK/port
# head writes to a file: on stdout its line would race with curl's.
(timeout 60 flowcat -q --listen 127.0.0.1:0 --port-file $WORK/port; echo "listener: exit $?" >$WORK/status) | head -1 >$WORK/head &
for _ in $(seq 200); do [ -s $WORK/port ] && break; sleep 0.05; done
PORT=$(cat $WORK/port)
f=samples/aws-docs/v2-default-accept-reject.log
curl -sS --max-time 20 -o /dev/null -w '%{http_code}\n' --data-binary @$f http://127.0.0.1:$PORT/
sleep 0.5
curl -sS --max-time 20 -o /dev/null -w '%{http_code}\n' --data-binary @$f http://127.0.0.1:$PORT/
wait
cat $WORK/head $WORK/status
