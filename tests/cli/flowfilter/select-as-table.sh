# Rejected traffic from the documentation samples, as a table.
flowfilter 'action == REJECT' -O table samples/aws-docs/v2-default-accept-reject.log samples/aws-docs/v2-icmp-sg-nacl.log
