# -O parquet writes strings dictionary-encoded until the dictionary of a column chunk passes
# 1 MiB, then PLAIN: 30000 distinct 60-byte names make the column go PLAIN part way (the
# metadata lists both encodings), a repeated one stays a dictionary, and DuckDB reads every value.
. ../cli/parquet-helpers.bash
cd $WORK
awk 'BEGIN { print "version instance-id action start end log-status";
             for (i = 0; i < 30000; i++) printf "2 i-%058d ACCEPT %d %d OK\n", i, 1700000000 + i, 1700000060 + i }' >in.log
flowcat -O parquet in.log -o out.parquet; echo "exit $?"
duckdb "SELECT path_in_schema, encodings FROM parquet_metadata('out.parquet') ORDER BY column_id"
flowcat -O csv --no-header in.log >ours.csv
duckdb "SELECT * FROM 'out.parquet'" | cmp - ours.csv && echo "DuckDB reads every value"
