# Binary input: counting decodes only the fields the expression reads; full records otherwise.
flowcat -O bin policy/flows.log > $WORK/f.flows
flowfilter -c 'bytes-per-packet > 100 and tcp-flags has SYN' $WORK/f.flows
flowfilter 'bytes-per-packet > 100 and tcp-flags has SYN' --fields srcaddr,dstaddr,bytes,packets -O csv $WORK/f.flows
