# Binary between tools: exact round trip, and `cat a b` of two streams is one stream.
flowcat -O bin samples/flowlogs-reader/v5-file-with-header.log > $WORK/a.flows
flowcat -O bin samples/aws-docs/v2-ipv6.log > $WORK/b.flows
cat $WORK/a.flows $WORK/b.flows | flowcat
flowcat $WORK/a.flows | cmp - samples/flowlogs-reader/v5-file-with-header.log && echo identical
