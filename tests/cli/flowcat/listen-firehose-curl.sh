# flowcat --listen as a Firehose HTTP endpoint, fed by curl: CloudWatch Logs envelopes (gzip, as
# Firehose delivers VPC flow logs), plain lines, the access key, bad bodies (400, counted, the
# server keeps running), gzip Content-Encoding, the body limit (413); SIGTERM ends it cleanly.
. ../cli/net-helpers.bash
listen_start $WORK/out $WORK/err --access-key k3y --max-body 64K
url=http://127.0.0.1:$PORT/firehose
envelope=$(cat samples/derived/cwl-kinesis-record-data.b64)
lines=$(printf '2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1700000000 1700000060 ACCEPT OK\n' | base64 -w0)
fh() { post -H "X-Amz-Firehose-Request-Id: $1" -H "X-Amz-Firehose-Access-Key: $2" -H 'Content-Type: application/json' "${@:3}" $url; }
echo "== a delivery: an envelope and a plain record"
fh req-1 k3y --data "{\"requestId\":\"req-1\",\"timestamp\":1,\"records\":[{\"data\":\"$envelope\"},{\"data\":\"$lines\"}]}" | no_port
echo "== the same, gzip-encoded"
printf '{"requestId":"req-2","timestamp":1,"records":[{"data":"%s"}]}' "$lines" | gzip |
  fh req-2 k3y -H 'Content-Encoding: gzip' --data-binary @- | no_port
echo "== wrong access key"
fh req-3 nope --data '{"requestId":"req-3","records":[]}' | no_port
echo "== bad base64, then a record that is not a flow log"
fh req-4 k3y --data '{"requestId":"req-4","records":[{"data":"@@@"}]}' | no_port
fh req-5 k3y --data "{\"requestId\":\"req-5\",\"records\":[{\"data\":\"$(echo 'not a flow log' | base64 -w0)\"}]}" | no_port
echo "== a plain POST of an S3 object (gzip by content)"
post -H 'X-Amz-Firehose-Access-Key: k3y' --data-binary @samples/derived/123456789012_vpcflowlogs_ap-southeast-2_fl-1234abcd_20210326T0325Z_fe123456.log.gz $url
echo "== over --max-body, as sent and once decompressed"
head -c 70000 /dev/zero | post -H 'X-Amz-Firehose-Access-Key: k3y' --data-binary @- $url
head -c 700000 /dev/zero | gzip | post -H 'X-Amz-Firehose-Access-Key: k3y' -H 'Content-Encoding: gzip' --data-binary @- $url
listen_stop
echo "== records written"
cat $WORK/out
echo "== stderr"
no_port <$WORK/err
