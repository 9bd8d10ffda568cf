# Parquet objects in S3 are read by range requests (the footer first, then only the column chunks
# a tool needs), never downloaded whole: flowagg over an object of AWS's schema written by our
# -O parquet answers as over the local file, and the proxy's log shows the ranges.
source ../cli/s3-helpers.bash
s3_start
mkdir -p "$WORK/up/AWSLogs"
flowgen --seed 5 --duration 2h --log-version 5 -O parquet --parquet-row-group 20000 -o "$WORK/up/AWSLogs/day.log.parquet"
s3_put pqt "$WORK/up"
flowagg -k action -a count,bytes -O csv s3://pqt/AWSLogs/day.log.parquet >"$WORK/s3.csv"
echo "exit $?"
flowagg -k action -a count,bytes -O csv "$WORK/up/AWSLogs/day.log.parquet" >"$WORK/local.csv"
cmp "$WORK/s3.csv" "$WORK/local.csv" && echo "same answer as the local file"
cat "$WORK/s3.csv"
size=$(stat -c %s "$WORK/up/AWSLogs/day.log.parquet")
# Bytes fetched: the sum of the ranges asked for. The one GET without a range is the stream that
# format detection opens (it reads the first bytes, sees "PAR1", and is dropped): at most the
# 4 MiB an object's queue holds, not the object.
s3_requests "^GET /pqt/AWSLogs/day.log.parquet" | awk -v size="$size" '
  /range=bytes=/ { match($0, /range=bytes=[0-9]+-[0-9]+/); split(substr($0, RSTART + 12, RLENGTH - 12), r, "-");
                   got += r[2] - r[1] + 1; ranges++; next }
  { whole++ }
  END { printf "range GETs: %s; GETs without a range: %d; fetched less than the object: %s\n",
               (ranges > 0 ? "yes" : "no"), whole, (got < size ? "yes" : "no") }'
