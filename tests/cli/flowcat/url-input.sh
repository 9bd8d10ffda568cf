# http(s) inputs: a status other than 2xx and a refused connection are errors naming the URL
# without its query string (pre-signed URLs carry credentials there); exit 1.
. ../cli/net-helpers.bash
listen_start $WORK/out $WORK/err
flowcat "http://127.0.0.1:$PORT/bucket/key.log.gz?X-Amz-Signature=SECRET" 2>&1 | no_port
echo "exit ${PIPESTATUS[0]}"
listen_stop >/dev/null
flowcat --connect-timeout 2 "http://127.0.0.1:$PORT/key?X-Amz-Signature=SECRET" 2>&1 | no_port
echo "exit ${PIPESTATUS[0]}"
flowcat --timeout 0 http://127.0.0.1:1/
echo "exit $?"
