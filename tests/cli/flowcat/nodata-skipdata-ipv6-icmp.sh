flowcat --no-header samples/aws-docs/v2-nodata-skipdata.log samples/aws-docs/v2-ipv6.log samples/aws-docs/v2-icmp-sg-nacl.log
