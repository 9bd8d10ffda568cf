# A line longer than 16 MiB (here 20 MiB with no newline) is an error naming file and line,
# exit 1, after the records before it; the reader holds at most one such line, never the whole
# input. With --on-error=skip it is counted, and the rest of that input is not read.
cd $WORK
head -3 $OLDPWD/samples/aws-docs/v2-default-accept-reject.log > long.log
head -c $((20 << 20)) /dev/zero | tr '\0' 7 >> long.log
echo "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK" >> long.log
flowcat --no-header long.log; echo "exit $?"
flowcat --count --on-error=skip long.log; echo "exit $?"
# JSON Lines, and one JSON value inside an array.
{ printf '{"version": 2, "action": "ACCEPT"}\n{"version": 2, "action": "'; head -c $((20 << 20)) /dev/zero | tr '\0' A; printf '"}\n'; } > long.json
flowcat -O json long.json; echo "exit $?"
{ printf '[{"version": 2, "action": "'; head -c $((20 << 20)) /dev/zero | tr '\0' A; printf '"}]\n'; } > long-array.json
flowcat -O json long-array.json; echo "exit $?"
