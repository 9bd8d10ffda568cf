# --stitch adds up the packets and bytes of a conversation: past 2^64 - 1 they stop there, named
# in a warning, and flowjoin exits 1 (they used to wrap).
{
  echo 'interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'
  echo 'eni-a 10.0.0.1 10.0.0.2 40000 443 6 1 10000000000000000000 100 160 ACCEPT OK'
  echo 'eni-a 10.0.0.1 10.0.0.2 40000 443 6 1 10000000000000000000 200 260 ACCEPT OK'
  echo 'eni-a 10.0.0.2 10.0.0.1 443 40000 6 1 100 100 160 ACCEPT OK'
} > "$WORK/big.log"
flowjoin --stitch -O csv --fields packets,bytes,fwd-bytes,rev-bytes "$WORK/big.log"
