# More than 1,000 objects (a 5-minute object of 4 flow logs for every 5 minutes of a day: 1,152,
# copies of one small object) are listed by pages (ListObjectsV2's continuation token) and all
# read (16 fetched at once); --since/--until for one hour then lists that day's hour folders only and GETs the objects
# named in the hour and its slack (09:55 to 11:15: 17 a flow log).
source ../cli/s3-helpers.bash
s3_start
flowgen --seed 5 --start 2024-06-03 --duration 5m --flows 3 --vpcs 1 | gzip >"$WORK/one.log.gz"
for fl in 1 2 3 4; do
  for h in $(seq -w 0 23); do
    dir=$WORK/many/AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/06/03/$h
    mkdir -p "$dir"
    for m in 00 05 10 15 20 25 30 35 40 45 50 55; do
      ln "$WORK/one.log.gz" "$dir/123456789012_vpcflowlogs_us-east-1_fl-${fl}_20240603T$h${m}Z_0$fl.log.gz"
    done
  done
done
s3_put many "$WORK/many"
echo "objects: $(find "$WORK/many" -type f | wc -l), records in each: $(flowcat -c "$WORK/one.log.gz")"
echo "s3: $(flowcat -c --s3-jobs 16 s3://many/) records, exit $?"
echo "listing pages: $(s3_requests -c '^GET /many/\?list-type=2')"
echo "object GETs: $(s3_requests -c '^GET /many/AWSLogs/')"
: >"$WORK/s3/requests.log"
echo "one hour: $(flowcat -c --since 2024-06-03T10:00Z --until 2024-06-03T11:00Z s3://many/AWSLogs/) records"
echo "object GETs: $(s3_requests -c '^GET /many/AWSLogs/')"
s3_requests '^GET /many/AWSLogs/' | grep -o '_fl-1_[^_]*' | sort | tr '\n' ' '
echo
