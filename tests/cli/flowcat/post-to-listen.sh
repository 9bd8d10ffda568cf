# flowcat --post into flowcat --listen on loopback: every record arrives once, in batches, gzip-
# compressed, with the access key; the sender reports what it delivered.
. ../cli/net-helpers.bash
flowgen --flows 2000 --seed 3 -O bin -o $WORK/in.flows
export FLOW_FIREHOSE_ACCESS_KEY=s3cret
listen_start $WORK/out $WORK/err
flowcat --post http://127.0.0.1:$PORT/in --gzip --batch-records 300 -H "X-Amz-Firehose-Access-Key: s3cret" \
  $WORK/in.flows 2>&1 | no_port
echo "sender: exit ${PIPESTATUS[0]}"
listen_stop
no_port <$WORK/err
flowcat --no-header $WORK/in.flows | sort >$WORK/sent
flowcat --no-header $WORK/out | sort >$WORK/received
echo "sent $(wc -l <$WORK/sent), received $(wc -l <$WORK/received)"
cmp $WORK/sent $WORK/received && echo "the same records"
