# Arithmetic: operators as words of their own, the same answer on text and binary input; a
# division by zero is null (no match); an operator without spaces is a mistake that says so.
flowcat -O bin policy/flows.log > $WORK/f.flows
flowfilter 'bytes / packets > 100 and (bytes + 0) / duration >= 10' --fields srcaddr,dstaddr,packets,bytes policy/flows.log
flowfilter -c 'bytes / packets > 100 and (bytes + 0) / duration >= 10' $WORK/f.flows
flowfilter -c 'round(bytes / max(packets, 1)) % 7 == 2 or - bytes < -1M' $WORK/f.flows
flowfilter -c 'bytes / (packets - packets) is null' policy/flows.log
flowfilter -c 'bytes/packets > 100' policy/flows.log; echo "exit $?"
