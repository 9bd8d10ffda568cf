# A connection out through the NAT gateway: two records at the instance, four at the NAT interface,
# whose pkt-srcaddr/pkt-dstaddr keep the original addresses.
flowgen --flows 40 --log-version 5 -O table \
  --fields interface-id,srcaddr,srcport,dstaddr,dstport,pkt-srcaddr,pkt-dstaddr,flow-direction,traffic-path \
  | awk 'NR == 1 || / 36721 /'
