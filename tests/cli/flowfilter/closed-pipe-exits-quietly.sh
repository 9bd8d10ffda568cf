# A reader that goes away (| head) ends flowfilter with 0 and no message.
for i in $(seq 1 3000); do cat policy/flows.log; done > $WORK/big
flowfilter 'action == ACCEPT' $WORK/big | head -2
echo "flowfilter: exit ${PIPESTATUS[0]}"
