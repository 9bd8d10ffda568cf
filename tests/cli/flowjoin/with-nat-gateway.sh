# The NAT gateway's inside legs joined with the instance's records through pkt-srcaddr/pkt-dstaddr:
# inner (one row per match, --within keeps windows that overlap), left, and anti (no counterpart).
flowfilter -q 'interface-id == eni-nat and srcaddr != pkt-srcaddr or interface-id == eni-nat and dstaddr != pkt-dstaddr' \
  join/flows.log -O bin -o "$WORK/nat.flows"
echo "== inner, --within 0"
flowjoin --with join/instances.log --on pkt-srcaddr=srcaddr,pkt-dstaddr=dstaddr,srcport --within 0 --join inner \
  --fields interface-id,srcaddr,dstaddr,pkt-dstaddr,with.interface-id,with.bytes,with.start "$WORK/nat.flows"
echo "== inner, any time"
flowjoin --with join/instances.log --on pkt-srcaddr=srcaddr,pkt-dstaddr=dstaddr --join inner -O json \
  --fields srcaddr,pkt-dstaddr,with.start "$WORK/nat.flows"
echo "== left"
flowjoin --with join/instances.log --on pkt-srcaddr=srcaddr,pkt-dstaddr=dstaddr --within 0 \
  --fields srcaddr,dstaddr,pkt-srcaddr,with.bytes "$WORK/nat.flows"
echo "== anti: instance records the NAT gateway did not see"
flowjoin --with "$WORK/nat.flows" --on srcaddr=pkt-srcaddr,dstaddr=pkt-dstaddr --join anti join/instances.log
