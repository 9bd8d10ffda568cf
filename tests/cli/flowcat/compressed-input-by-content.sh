# gzip (one or many members, as Firehose writes) and zstd are recognised by content, not name.
f=samples/aws-docs/v2-default-accept-reject.log
gzip -c $f > $WORK/plain-name.log
(gzip -c $f; gzip -c samples/aws-docs/v2-ipv6.log) > $WORK/members
zstd -q -c samples/aws-docs/v2-nodata-skipdata.log > $WORK/z
flowcat --no-header $WORK/plain-name.log $WORK/members - < $WORK/z
head -c 100 $WORK/members | flowcat
