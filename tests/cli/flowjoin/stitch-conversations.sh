# Handcrafted records (join/flows.log): a connection inside the VPC seen at both ends, with a
# second window only one end recorded; one out through a NAT gateway (six records, the public
# leg read before the inside leg that ties it to the instance); a rejected SSH attempt; a ping
# seen at both ends; a NODATA record. Four conversations.
flowjoin --stitch -O table join/flows.log
echo "== JSON, projected"
flowjoin --stitch -O json --fields srcaddr,dstaddr,dstport,fwd-bytes,rev-bytes,interfaces,verdicts join/flows.log
