# The local S3 of s3-helpers.bash, checked with AWS's own client (tests/node/s3-client.mjs)
# before our tools rely on it: uploads, listing by pages (s3rver's continuation tokens need
# node's --openssl-legacy-provider), reads, the request log, injected faults (a 503 the SDK retries, a cut body, a dropped connection), and Signature
# V4 checked (a wrong secret gets SignatureDoesNotMatch, as from AWS).
source ../cli/s3-helpers.bash
(PATH=/nowhere s3_start)
echo "without node: exit $?"
s3_start
client() { node ../node/s3-client.mjs "$@"; }
mkdir -p "$WORK/in/many"
printf 'hello\n' >"$WORK/in/a.log"
printf '0123456789abcdef\n' >"$WORK/in/b.log"
for i in 1 2 3; do echo "$i" >"$WORK/in/many/$i"; done
s3_put logs "$WORK/in" AWSLogs/
client ls logs AWSLogs/ 2 + get logs AWSLogs/a.log
echo "list calls: $(s3_requests -c 'list-type=2')"
curl -sS -H 'Range: bytes=3-6' "$AWS_ENDPOINT_URL/logs/AWSLogs/b.log"
echo
# A 503 twice (the SDK retries), a body cut after 5 bytes (an error), a dropped connection (retried).
s3_fault '{"match":"^GET /logs/AWSLogs/a\\.log","status":503,"times":2}'
s3_fault '{"match":"^GET /logs/AWSLogs/b\\.log","reset_after_bytes":5,"times":1}'
s3_fault '{"match":"^GET /logs/AWSLogs/many/1\\?","drop":true,"times":1}'
client get logs AWSLogs/a.log + get logs AWSLogs/b.log + get logs AWSLogs/many/1
echo "exit $?"
AWS_SECRET_ACCESS_KEY=wrong client get logs AWSLogs/a.log
echo "exit $?"
s3_requests '^GET /logs/AWSLogs/(a|b)\.log|/many/1\?'
