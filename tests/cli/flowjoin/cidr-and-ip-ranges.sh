# Longest prefix: 10.0.1.10 is in app-a (a /24) and the VPC (a /16); 10.0.0.220 in nat-a (/26).
# The conversations, stitched first, get their initiator's and responder's networks and the AWS
# service of public addresses (ip-ranges.json: 52.216.0.0/15 is S3 and AMAZON, shown as S3).
printf 'version srcaddr dstaddr srcport dstport protocol bytes start end action log-status\n' > "$WORK/f.log"
printf '2 10.0.1.10 52.216.8.5 40000 443 6 100 100 160 ACCEPT OK\n' >> "$WORK/f.log"
printf '2 52.216.8.5 10.0.1.10 443 40000 6 900 100 160 ACCEPT OK\n' >> "$WORK/f.log"
printf '2 10.0.2.20 203.0.113.9 40001 443 6 50 100 160 ACCEPT OK\n' >> "$WORK/f.log"
printf '2 10.0.0.220 13.32.9.9 40002 443 6 60 100 160 ACCEPT OK\n' >> "$WORK/f.log"
printf '2 2001:db8::5 2600:1f14::9 40003 443 6 70 100 160 ACCEPT OK\n' >> "$WORK/f.log"
flowjoin --stitch --cidr srcaddr=join/subnets.csv --cidr dstaddr=join/subnets.csv --ip-ranges dstaddr=aws-ip-ranges-excerpt.json \
  --fields srcaddr,dstaddr,bytes,src.name,src.zone,dst.name,dst.aws-service,dst.aws-region -O table < "$WORK/f.log"
echo "== anti: conversations to an address no lookup knows"
flowjoin -q --stitch --ip-ranges dstaddr=aws-ip-ranges-excerpt.json --join anti --fields srcaddr,dstaddr,dst.aws-service < "$WORK/f.log"
echo "== inner: only those it knows"
flowjoin -q --stitch --ip-ranges dstaddr=aws-ip-ranges-excerpt.json --join inner --fields srcaddr,dstaddr,dst.aws-service < "$WORK/f.log"
