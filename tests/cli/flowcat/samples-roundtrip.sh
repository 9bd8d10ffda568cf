# Every AWS sample (copied from shared/samples): text -> binary -> JSON -> text must give the
# original bytes, or fail with the documented error. The expected output is that record.
#   - a missing final newline is added (the one normalisation), said here when it happens
#   - header-less samples are read with their .fields format and written with --no-header
#   - gzip samples are compared with their decompressed bytes
#   - CloudWatch Logs envelopes (also base64, gzip, Lambda and Firehose forms) are compared with
#     the messages of their DATA_MESSAGE log events, as jq extracts them (and `aws logs` output
#     with the messages of its events)
# The formats of two header-less custom samples, from the OTel tests that use them:
tgw27='version account-id tgw-id tgw-attachment-id tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id tgw-dst-subnet-id tgw-src-eni tgw-dst-eni tgw-src-az-id tgw-dst-az-id tgw-pair-attachment-id srcaddr dstaddr srcport dstport protocol packets bytes start end log-status type tcp-flags flow-direction region'
messages() { jq -r 'if .events then .events[].message else select(.messageType == "DATA_MESSAGE") | .logEvents[].message end'; }
for f in samples/aws-docs/* samples/flowlogs-reader/* samples/otel-collector-contrib/aws/* samples/derived/*; do
  case $f in *.fields | */SOURCES.md) continue ;; esac
  fields=${f%.log}.fields
  [ "$f" = samples/aws-docs/v3-nat-gateway-instance-eni-with-doc-comments.log ] && fields=samples/aws-docs/v3-nat-gateway.fields
  in_opts=() out_opts=()
  if [ -f "$fields" ]; then in_opts=(--aws-format "$(cat "$fields")"); fi
  case $f in
    */valid_tgw_flow_cw.json) in_opts=(--aws-format "$tgw27") ;;
    */valid_vpc_flow_cw_custom.json) in_opts=(--aws-format 'version interface-id srcaddr dstaddr') ;;
  esac
  # Written back without a header when the sample has none (field names only on line 1).
  case $f in *.gz) first=$(gzip -dc "$f" | head -1 | tr -d '\000') ;; *) first=$(head -1 "$f" | tr -d '\000') ;; esac
  echo "$first" | grep -qE '^[a-z][a-z0-9-]*( [a-z][a-z0-9-]*)*$' || out_opts=(--no-header)
  flowcat "${in_opts[@]}" -O bin "$f" 2>"$WORK/err1" | flowcat -O json 2>"$WORK/err2" | flowcat "${out_opts[@]}" >"$WORK/out" 2>"$WORK/err3"
  codes="${PIPESTATUS[*]}"
  case $f in
    *.gz) gzip -dc "$f" >"$WORK/want" ;;
    *cwl-lambda-event.json) jq -r .awslogs.data "$f" | base64 -d | gzip -dc | messages >"$WORK/want" ;;
    *.b64) base64 -d "$f" | gzip -dc | messages >"$WORK/want" ;;
    *cwl-firehose-*.bin) gzip -dc "$f" | jq -c . | messages >"$WORK/want" ;;
    *.json) messages <"$f" >"$WORK/want" ;;
    *) cat "$f" >"$WORK/want" ;;
  esac
  note=""
  if [ -s "$WORK/want" ] && [ "$(tail -c1 "$WORK/want" | od -An -c | tr -d ' ')" != '\n' ]; then
    echo >>"$WORK/want"; note=" (final newline added)"
  fi
  echo "== $f"
  if [ "$codes" != "0 0 0" ]; then
    echo "exit $codes"
  elif cmp -s "$WORK/want" "$WORK/out"; then
    echo "identical$note"
  else
    echo "differs$note:"; diff "$WORK/want" "$WORK/out"
  fi
  cat "$WORK/err1" "$WORK/err2" "$WORK/err3"
done
