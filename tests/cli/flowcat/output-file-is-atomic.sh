# -o writes through a temporary file: on error the target is untouched and nothing is left.
echo old > $WORK/out.log
flowcat -o $WORK/out.log samples/otel-collector-contrib/aws/vpc_flow_log_too_few_fields.log
echo "exit $?"
cat $WORK/out.log
ls $WORK
flowcat -o $WORK/out.log samples/aws-docs/v2-ipv6.log && cat $WORK/out.log && ls $WORK
