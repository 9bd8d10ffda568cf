# What goes wrong reading from S3, against a local S3 with injected faults: a 503 SlowDown is
# retried, a body cut mid-stream is resumed with a range request (same answer both times); a
# missing key is an error naming it (with --on-error=skip: counted and named); a wrong secret is
# an error naming the credential source, never the secret; a bucket in another Region (AWS's 301
# naming it) is asked again there.
source ../cli/s3-helpers.bash
s3_start
flowgen --seed 3 --start 2024-06-03 --duration 2h --rate 0.3 --vpcs 1 --s3 "$WORK/b"
s3_put logs "$WORK/b"
key=$(cd "$WORK/b" && find . -type f -name '*T0000Z*' | sed 's|^\./||')
local_count=$(flowcat -c $(find "$WORK/b" -type f | sort))
echo "local: $local_count records"
s3_fault '{"match":"^GET /logs/AWSLogs/.*T0000Z","status":503,"times":2}'
echo "503 twice: $(flowcat -c s3://logs/) records, exit $?"
s3_requests 'T0000Z' | sed 's|/AWSLogs/.*/|/…/|'
s3_fault_clear
: >"$WORK/s3/requests.log"
s3_fault '{"match":"^GET /logs/AWSLogs/.*T0100Z","reset_after_bytes":3000,"times":1}'
echo "cut after 3000 bytes: $(flowcat -c s3://logs/) records, exit $?"
s3_requests 'T0100Z' | sed 's|/AWSLogs/.*/|/…/|'
s3_fault_clear
flowcat -c "s3://logs/$key" s3://logs/AWSLogs/missing.log.gz
echo "exit $?"
flowcat -c --on-error=skip "s3://logs/$key" s3://logs/AWSLogs/missing.log.gz | sed 's/^[0-9]*$/N records/'
echo "exit ${PIPESTATUS[0]}"
AWS_SECRET_ACCESS_KEY=not-the-secret flowcat -c s3://logs/ 2>&1 | sed 's/not-the-secret/LEAKED/'
echo "exit ${PIPESTATUS[0]}"
s3_fault '{"match":"^GET /logs/\\?list","status":301,"times":1,"headers":{"x-amz-bucket-region":"eu-west-2"},"body":"<Error><Code>PermanentRedirect</Code><Message>elsewhere</Message></Error>"}'
echo "moved bucket: $(flowcat -c --region us-east-1 s3://logs/) records, exit $?"
