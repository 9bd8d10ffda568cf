# --fields picks and orders; a known field missing from the input comes out null.
flowcat --fields dstport,srcaddr,vpc-id samples/aws-docs/v2-default-accept-reject.log
