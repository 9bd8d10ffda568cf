# The bar of issue 19: a day of hourly objects in a local S3, in each key layout (AWS's plain
# folders with hours, Hive's without): flowagg over s3://BUCKET/AWSLogs/ with --since/--until for
# one hour lists only that day's folders, GETs only the objects that may hold the hour (10:00, and
# 11:00 for the records that end after 11:00) and answers as over the local files.
source ../cli/s3-helpers.bash
s3_start
for layout in plain hive; do
  flowgen --seed 7 --start 2024-06-03 --duration 1d --rate 0.05 --vpcs 2 --accounts 2 --s3 "$WORK/$layout" \
    --s3-layout $layout
  s3_put $layout "$WORK/$layout"
done
hour=(--since 2024-06-03T10:00Z --until 2024-06-03T11:00Z)
for layout in plain hive; do
  echo "== $layout: $(find "$WORK/$layout" -type f | wc -l) objects"
  flowagg -k action -a count,bytes "${hour[@]}" -O csv "s3://$layout/AWSLogs/" >"$WORK/s3.csv"
  echo "exit $?"
  find "$WORK/$layout" -type f | sort | xargs flowagg -k action -a count,bytes "${hour[@]}" -O csv >"$WORK/local.csv"
  cmp "$WORK/s3.csv" "$WORK/local.csv" && echo "same answer as the local files"
  cat "$WORK/s3.csv"
  echo "object GETs: $(s3_requests -c "^GET /$layout/AWSLogs/.*\.log\.gz ")"
  s3_requests "^GET /$layout/AWSLogs/.*\.log\.gz " | sed 's|.*/||' | sort
  echo "listings: $(s3_requests -c "^GET /$layout/\?list-type=2")"
done
