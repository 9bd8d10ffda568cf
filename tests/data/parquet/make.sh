#!/usr/bin/env bash
# Remakes the small Parquet files here with DuckDB (tests/node: scripts/install-node-deps.sh),
# from tests/parquet/aws_table.sql: the unit tests read them without Node.
set -euo pipefail
cd "$(dirname "$0")"
root=../../..
sql=$(cat $root/tests/parquet/aws_table.sql)
extra="SELECT *, CAST(i AS INTEGER) - 50 AS delta, i / 8.0 AS score, make_timestamp(1700000000000000 + i * 1000000) AS ts,
  'n' || (i % 3) AS note FROM (SELECT *, row_number() OVER () - 1 AS i FROM flows)"
NODE_PATH=$root/tests/node/node_modules node $root/tests/parquet/duckdb.cjs "SET VARIABLE n = 4500" "$sql" \
  "COPY flows TO 'aws-gzip.parquet' (FORMAT parquet, COMPRESSION gzip, ROW_GROUP_SIZE 2048)" \
  "COPY (SELECT * FROM flows LIMIT 300) TO 'aws-snappy.parquet' (FORMAT parquet, COMPRESSION snappy)" \
  "COPY ($extra) TO 'extra-zstd-v2.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 2048, PARQUET_VERSION V2)" \
  "COPY (SELECT * FROM flows LIMIT 10) TO 'lz4.parquet' (FORMAT parquet, COMPRESSION lz4)"
