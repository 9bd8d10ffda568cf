flowcat samples/otel-collector-contrib/aws/vpc_flow_log_too_many_fields.log
