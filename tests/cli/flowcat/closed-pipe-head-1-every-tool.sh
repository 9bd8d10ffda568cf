# `| head -1` downstream: every tool, in every output format, exits 0 without a word on stderr.
flowgen --flows 200000 -O bin -o $WORK/big.flows
for fmt in aws json csv table bin; do
  flowcat -O $fmt --force $WORK/big.flows | head -1 > /dev/null; echo "flowcat -O $fmt: exit ${PIPESTATUS[0]}"
done
for fmt in aws json bin; do
  flowfilter 'bytes > 0' -O $fmt --force $WORK/big.flows | head -1 > /dev/null; echo "flowfilter -O $fmt: exit ${PIPESTATUS[0]}"
  flowgen --duration 30d -O $fmt --force | head -1 > /dev/null; echo "flowgen -O $fmt: exit ${PIPESTATUS[0]}"
done
flowgen --duration 30d --connections - -o /dev/null | head -1 > /dev/null; echo "flowgen --connections -: exit ${PIPESTATUS[0]}"
for fmt in aws json bin; do
  flowagg -k srcaddr,dstaddr,dstport -O $fmt --force $WORK/big.flows | head -1 > /dev/null; echo "flowagg -O $fmt: exit ${PIPESTATUS[0]}"
done
flowagg -k srcaddr --partial --force $WORK/big.flows | head -c 10 > /dev/null; echo "flowagg --partial: exit ${PIPESTATUS[0]}"
for fmt in text json markdown html; do
  flowstat -O $fmt $WORK/big.flows | head -1 > /dev/null; echo "flowstat -O $fmt: exit ${PIPESTATUS[0]}"
done
