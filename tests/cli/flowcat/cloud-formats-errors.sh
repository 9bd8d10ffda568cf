# Malformed envelopes, entries and tuples: file, line, JSON path and field; skip counts them.
printf '{"messageType":"DATA_MESSAGE","logEvents":[{"message":"2 1 eni-1 10.0.0.1"}]}\n' | flowcat
printf '{"awslogs":{"data":"H4sI!"}}\n' | flowcat
printf '{"insertId":"a","jsonPayload":{"connection":{"src_ip":"10.0.0.1","dest_ip":"10.0.0.2","src_port":"http"}}}\n' | flowcat
printf '{"records":[{"time":"t","properties":{"Version":2,"flows":[{"rule":"R","flows":[{"mac":"M","flowTuples":["1,10.0.0.1,10.0.0.2,1,2,T,O,A,B,,,,","1,10.0.0.1,10.0.0.2,1,2,X,O,A,B,,,,","2,10.0.0.1,10.0.0.2,1,2,U,I,D,B,,,,"]}]}]}}]}\n' > $WORK/nsg.json
(cd $WORK && flowcat nsg.json); echo "exit $?"
(cd $WORK && flowcat --on-error=skip --no-header nsg.json); echo "exit $?"
printf 'H4sIAAAA!AAA\n' | flowcat; echo "exit $?"
