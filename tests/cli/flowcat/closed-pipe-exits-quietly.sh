# A reader that goes away (| head) ends flowcat with 0 and no message.
for i in $(seq 1 3000); do cat samples/flowlogs-reader/v2-records.log; done > $WORK/big
flowcat $WORK/big | head -2
echo "flowcat: exit ${PIPESTATUS[0]}"
