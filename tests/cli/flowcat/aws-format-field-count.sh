# A line whose number of fields is not that of the format given with --aws-format says so, in
# those words, with the format (the likely mistake is the format, not the data).
v2='version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'
flowcat --aws-format "$v2 vpc-id subnet-id" samples/aws-docs/v2-default-accept-reject.log; echo "exit $?"
flowcat --aws-format 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end' samples/aws-docs/v2-default-accept-reject.log; echo "exit $?"
flowcat --aws-format "$v2 vpc-id" --aws-format "$v2 vpc-id subnet-id" samples/aws-docs/v2-default-accept-reject.log; echo "exit $?"
# Without --aws-format, as before.
printf '2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 40 1700000000\n' | flowcat; echo "exit $?"
