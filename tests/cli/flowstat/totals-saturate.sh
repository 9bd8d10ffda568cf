# Totals past 2^64 - 1 stop there (the report said "1.6 EB" for bytes of 10^19, 10^19 and 100:
# a wrapped sum), named in a warning once a column, and flowstat exits 1.
{
  echo 'version srcaddr dstaddr packets bytes start end'
  echo '2 10.0.0.1 10.0.0.2 1 10000000000000000000 1700000000 1700000060'
  echo '2 10.0.0.1 10.0.0.2 1 10000000000000000000 1700000000 1700000060'
  echo '2 10.0.0.1 10.0.0.2 1 100 1700000000 1700000060'
} > "$WORK/big.log"
flowstat "$WORK/big.log" | sed -n '/^Totals/,/^$/p'; echo "exit ${PIPESTATUS[0]}"
flowstat -q -O json "$WORK/big.log" | grep -o '"totals":{[^}]*}'; echo "exit ${PIPESTATUS[0]}"
