# -O parquet: the columns are the first record's fields; later records go in by name (a field
# they lack is null), and a field that is not a column is an error that says what to do. Without
# records the file still has a schema: AWS's default format, or --fields. Columns we do not know
# take our type: flowagg's counts are BIGINT, a --set value DOUBLE, an address a string.
. ../cli/parquet-helpers.bash
v2=$PWD/samples/flowlogs-reader/v2-records.log
v5=$PWD/samples/flowlogs-reader/v5-file-with-header.log
cd $WORK
flowcat -O parquet $v5 $v2 -o a.parquet; echo "exit $?"
duckdb "SELECT version, interface_id, srcaddr, bytes, flow_direction, tcp_flags FROM 'a.parquet'"
flowcat -O parquet $v2 $v5 -o b.parquet; echo "exit $?"
ls b.parquet 2>&1 | sed 's/.*: //'
flowcat -O parquet </dev/null >empty.parquet; echo "exit $?"
duckdb "SELECT count(*) FROM 'empty.parquet'"
duckdb "SELECT string_agg(column_name || ' ' || column_type, ', ') FROM (DESCRIBE SELECT * FROM 'empty.parquet')"
flowcat -O parquet --fields srcaddr,bytes,tcp-flags </dev/null >fields.parquet; echo "exit $?"
duckdb "SELECT string_agg(column_name || ' ' || column_type, ', ') FROM (DESCRIBE SELECT * FROM 'fields.parquet')"
flowagg -k srcaddr -a count,packets,bytes --set 'bpp=bytes / packets' -O parquet $v2 -o agg.parquet; echo "exit $?"
duckdb "SELECT string_agg(column_name || ' ' || column_type, ', ') FROM (DESCRIBE SELECT * FROM 'agg.parquet')"
duckdb "SELECT * FROM 'agg.parquet' ORDER BY srcaddr NULLS FIRST"
flowagg -k srcaddr -a count,packets,bytes --set 'bpp=bytes / packets' -O csv --no-header $v2 | sort
echo '{"srcaddr": "10.0.0.1", "big": 9223372036854775807}
{"srcaddr": "10.0.0.2", "big": 9223372036854775808}' >big.json
flowcat -O parquet big.json -o big.parquet; echo "exit $?"
