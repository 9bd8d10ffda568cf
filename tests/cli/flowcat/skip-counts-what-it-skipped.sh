flowcat --on-error=skip --count samples/otel-collector-contrib/aws/vpc_flow_log_too_many_fields.log samples/aws-docs/v2-default-accept-reject.log
