# --max-body holds for the decoded bytes however the compression is found: a gzip body without
# Content-Encoding, gzip inside a Firehose record, and gzip inside base64 text inside a record are
# all refused (413) when they decode to more; a body that decodes to less is received.
. ../cli/net-helpers.bash
listen_start $WORK/out $WORK/err --max-body 100K
flowgen --flows 2000 --seed 1 | gzip >$WORK/big.gz
flowgen --flows 20 --seed 1 | gzip >$WORK/small.gz
echo "gzip: $(stat -c %s $WORK/big.gz) bytes, decoded: $(gzip -dc $WORK/big.gz | wc -c)"
url=http://127.0.0.1:$PORT/
record() { printf '{"requestId":"r","timestamp":1,"records":[{"data":"%s"}]}' "$1" >$WORK/fh.json; }
fh() { post -H 'X-Amz-Firehose-Request-Id: r' --data-binary @$WORK/fh.json $url | no_port; }
echo "== gzip by content"
post --data-binary @$WORK/big.gz $url
echo "== gzip in a Firehose record"
record "$(base64 -w0 $WORK/big.gz)" && fh
echo "== base64 gzip text in a Firehose record"
record "$(base64 -w0 $WORK/big.gz | base64 -w0)" && fh
echo "== within the limit"
post --data-binary @$WORK/small.gz $url
record "$(base64 -w0 $WORK/small.gz | base64 -w0)" && fh
listen_stop
echo "records written: $(flowcat --count $WORK/out)"
no_port <$WORK/err
