flowcat --fields srcaddr,dst_port samples/aws-docs/v2-default-accept-reject.log
