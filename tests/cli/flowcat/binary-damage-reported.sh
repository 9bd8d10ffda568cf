# A damaged or truncated binary stream is reported; nothing wrong is delivered.
flowcat -O bin samples/flowlogs-reader/v2-records.log > $WORK/a.flows
cd $WORK
size=$(stat -c %s a.flows)
head -c $((size - 3)) a.flows | flowcat --no-header; echo "exit $?"
cp a.flows b.flows
printf 'X' | dd of=b.flows bs=1 seek=$((size / 2)) conv=notrunc status=none
flowcat --no-header b.flows; echo "exit $?"
