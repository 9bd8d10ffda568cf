# Counts and sums past 2^64 - 1 saturate and say so, once a column (exit 1: not exact), and never
# wrap: two records of 10^19 bytes and one of 100 summed to 1,553,255,926,290,448,484 once. A mean
# is exact whatever its sum (128 bits), so it lies between the smallest and the largest value.
# The same through --partial/--merge, through the threads' shares, and through a spill.
{
  echo 'version srcaddr packets bytes'
  echo '2 10.0.0.1 1 10000000000000000000'
  echo '2 10.0.0.1 1 10000000000000000000'
  echo '2 10.0.0.1 1 100'
  echo '2 10.0.0.2 1 18446744073709551615'
  echo '2 10.0.0.2 1 18446744073709551615'
} > "$WORK/big.log"
spec=(-k srcaddr -a 'count,bytes,mean(bytes),min(bytes),max(bytes)')
flowagg "${spec[@]}" -O table "$WORK/big.log"; echo "exit $?"
echo "== quiet, still said"
flowagg -q -a 'sum(bytes)' "$WORK/big.log"; echo "exit $?"
echo "== --partial of each record, then --merge"
n=0
tail -n +2 "$WORK/big.log" | while read -r line; do
  n=$((n + 1))
  printf 'version srcaddr packets bytes\n%s\n' "$line" | flowagg "${spec[@]}" --partial -o "$WORK/$n.part"
done
flowagg --merge -O table "$WORK"/?.part; echo "exit $?"
echo "== spilled"
flowagg "${spec[@]}" --memory 1 -O table "$WORK/big.log"; echo "exit $?"
echo "== a count of groups that are records (their records column) past 2^64 - 1"
flowagg -k srcaddr -a 'records=max(bytes)' "$WORK/big.log" | flowagg -a count; echo "exit ${PIPESTATUS[1]}"
