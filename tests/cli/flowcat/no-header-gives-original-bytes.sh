# With --no-header, header-less input comes back byte for byte.
flowcat --no-header samples/aws-docs/v2-default-accept-reject.log samples/aws-docs/v2-nodata-skipdata.log samples/aws-docs/v2-ipv6.log > $WORK/out
cat samples/aws-docs/v2-default-accept-reject.log samples/aws-docs/v2-nodata-skipdata.log samples/aws-docs/v2-ipv6.log | cmp - $WORK/out && echo identical
