# Parquet written by DuckDB (each codec, data pages v1 and v2 with their DELTA encodings, several
# row groups, nulls, extra columns) and by hyparquet-writer (DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT)
# reads with the values DuckDB reads from the same file, row for row; and from a pipe the same.
. ../parquet/node.bash
extra="SELECT *, CAST(i AS INTEGER) - 2000 AS delta, i / 8.0 AS score,
  make_timestamp(1700000000000000 + i * 1000000) AS ts, 'n' || (i % 3) AS note
  FROM (SELECT *, row_number() OVER () - 1 AS i FROM flows)"
duck "SET VARIABLE n = 5000" "$AWS_TABLE" \
  "COPY flows TO '$WORK/gzip-v1.parquet' (FORMAT parquet, COMPRESSION gzip, ROW_GROUP_SIZE 1000)" \
  "COPY flows TO '$WORK/snappy-v1.parquet' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 1000)" \
  "COPY flows TO '$WORK/zstd-v2.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000, PARQUET_VERSION V2)" \
  "COPY flows TO '$WORK/none-v2.parquet' (FORMAT parquet, COMPRESSION uncompressed, ROW_GROUP_SIZE 2048, PARQUET_VERSION V2)" \
  "COPY ($extra) TO '$WORK/extra-gzip-v2.parquet' (FORMAT parquet, COMPRESSION gzip, ROW_GROUP_SIZE 1000, PARQUET_VERSION V2)" \
  >/dev/null
node "$PQ/hyparquet.mjs" "$NODE_MODULES" "$WORK/hyparquet-snappy.parquet" 5000
for f in gzip-v1 snappy-v1 zstd-v2 none-v2 extra-gzip-v2 hyparquet-snappy; do
  groups=$(duck "SELECT count(DISTINCT row_group_id) AS g FROM parquet_metadata('$WORK/$f.parquet')" | tr -dc 0-9)
  echo "$f ($groups row groups): $(flowcat -O json "$WORK/$f.parquet" | node "$PQ/compare.cjs" "$WORK/$f.parquet")"
done
echo "from a pipe: $(cat "$WORK/zstd-v2.parquet" | flowcat -O json | node "$PQ/compare.cjs" "$WORK/zstd-v2.parquet")"
