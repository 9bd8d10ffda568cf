# --post that cannot deliver: refused (401, not retried), nothing listening (retried, then given up);
# the counts of records delivered and not are said and the exit status is 1.
. ../cli/net-helpers.bash
listen_start $WORK/out $WORK/err --access-key right
echo "== wrong key: 401 is not retried"
flowcat --post "http://127.0.0.1:$PORT/in?sig=SECRET" --batch-records 5 -H 'X-Amz-Firehose-Access-Key: wrong' \
  samples/aws-docs/v2-default-accept-reject.log 2>&1 | no_port
echo "exit ${PIPESTATUS[0]}"
listen_stop
echo "== nothing listening: retried, then reported"
flowcat --post "http://127.0.0.1:$PORT/in" --retries 2 --retry-wait 0 samples/aws-docs/v2-default-accept-reject.log 2>&1 | no_port
echo "exit ${PIPESTATUS[0]}"
echo "== usage"
flowcat --post http://127.0.0.1:$PORT/ -H 'no colon' samples/aws-docs/v2-default-accept-reject.log 2>&1 | no_port
echo "exit ${PIPESTATUS[0]}"
flowcat --post ftp://x/ samples/aws-docs/v2-default-accept-reject.log
echo "exit $?"
