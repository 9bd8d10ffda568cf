# Parquet that cannot be read is an error naming the file and why: cut short, not Parquet, a
# codec we do not read, a damaged page (the other row groups still read, with --on-error=skip).
head -c 3000 parquet/aws-gzip.parquet > "$WORK/cut.parquet"
flowcat --count "$WORK/cut.parquet" 2>&1 | sed "s#$WORK/##"; echo "exit ${PIPESTATUS[0]}"
printf 'PAR1 not really' > "$WORK/magic.parquet"
flowcat --count "$WORK/magic.parquet" 2>&1 | sed "s#$WORK/##"; echo "exit ${PIPESTATUS[0]}"
flowcat --count -I parquet samples/aws-docs/v2-ipv6.log; echo "exit $?"
flowcat parquet/lz4.parquet; echo "exit $?"
flowcat --count parquet/lz4.parquet  # no column read: no codec needed
python3 -c "
import sys
b = bytearray(open('parquet/aws-gzip.parquet', 'rb').read())
b[300] ^= 0x55
open(sys.argv[1], 'wb').write(b)" "$WORK/damaged.parquet"
flowcat -O json --on-error=skip "$WORK/damaged.parquet" 2>&1 >"$WORK/out" | sed "s#$WORK/##"; echo "exit ${PIPESTATUS[0]}"
echo "$(wc -l < "$WORK/out") records"
flowcat --count parquet/aws-gzip.parquet parquet/aws-snappy.parquet parquet/extra-zstd-v2.parquet
