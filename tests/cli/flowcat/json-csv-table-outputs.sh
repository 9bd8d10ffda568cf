f=samples/flowlogs-reader/v2-records.log
flowcat -O json $f
flowcat -O csv --fields interface-id,srcaddr,dstport,action,log-status $f
flowcat -O table $f
