# A record an hour older than the input's time: the input is not in time order. It is still
# stitched, but its conversation may be split: said on stderr, with where.
{ cat join/flows.log; printf 'eni-aaa 10.0.1.10 10.0.2.20 40000 5432 6 1 100 9000 9060 ACCEPT OK 1 10.0.1.10 10.0.2.20 egress\n'
  printf 'eni-aaa 10.0.1.10 10.0.2.20 40000 5432 6 1 100 160 220 ACCEPT OK 1 10.0.1.10 10.0.2.20 egress\n'; } > "$WORK/late.log"
flowjoin --stitch --fields srcaddr,dstaddr,dstport,start,end,fwd-bytes,flow-records < "$WORK/late.log"
# As the warning advises: sorted first, the late record joins its conversation, without a word.
flowcat --sort start "$WORK/late.log" | flowjoin --stitch --fields srcaddr,dstaddr,dstport,start,end,fwd-bytes,flow-records
