# Without pkt-srcaddr and pkt-dstaddr (version 2 data) a connection through the NAT gateway is
# three address pairs nothing ties together: --stitch and --dedup say so once, at the end, with
# the number of records. With those fields (the same records) the legs join, and nothing is said.
flowcat --fields interface-id,srcaddr,dstaddr,srcport,dstport,protocol,packets,bytes,start,end,action,log-status,tcp-flags \
  join/flows.log >$WORK/v2.log
echo "== with pkt-srcaddr and pkt-dstaddr"
flowjoin --stitch join/flows.log | flowagg -a count,bytes -O aws
flowjoin --dedup join/flows.log | flowagg -a count,bytes -O aws
echo "== version 2"
flowjoin --stitch $WORK/v2.log | flowagg -a count,bytes -O aws
flowjoin --dedup $WORK/v2.log | flowagg -a count,bytes -O aws
flowjoin -q --dedup $WORK/v2.log | flowagg -a count -O aws
