# -O parquet, read by independent readers: DuckDB and hyparquet give back every value flowcat
# writes as CSV (5000 generated records of version 8, with nulls), with each codec and in row
# groups of 1200 (5 of them); DuckDB's counts, sums and distinct counts are flowagg's over the
# binary input; the columns are named and typed as AWS's Parquet flow logs. hyparquet has no
# ZSTD (Node 20's zlib neither), so it reads the other three.
. ../cli/parquet-helpers.bash
cd $WORK
flowgen --log-version 8 --flows 5000 --seed 7 -O bin -o in.flows
flowcat -O csv --no-header in.flows >ours.csv
codecs="gzip zstd snappy none"
for codec in $codecs; do
  flowcat -O parquet --parquet-codec $codec --parquet-row-group 1200 in.flows -o $codec.parquet
done
# One Node start for every query (DuckDB), and one for every file (hyparquet).
q=() h=()
for codec in $codecs; do q+=(">duck-$codec.csv" "SELECT * FROM '$codec.parquet'"); done
q+=(">meta.csv")
for codec in $codecs; do
  q+=("SELECT count(DISTINCT row_group_id) || ' row groups', min(compression), max(compression)
       FROM parquet_metadata('$codec.parquet')")
done
q+=(">aggregates.csv" "SELECT count(*), sum(bytes), sum(packets), count(DISTINCT srcaddr), count(DISTINCT dstport),
                       min(start), max(\"end\") FROM 'gzip.parquet'")
q+=(">types.csv" "SELECT column_name, column_type, \"null\" FROM (DESCRIBE SELECT * FROM 'gzip.parquet')")
duckdb "${q[@]}"
for codec in gzip snappy none; do h+=(">hy-$codec.csv" $codec.parquet); done
hyparquet "${h[@]}"
for codec in $codecs; do
  cmp duck-$codec.csv ours.csv && echo "$codec: DuckDB reads every value"
  [ $codec = zstd ] || { cmp hy-$codec.csv ours.csv && echo "$codec: hyparquet reads every value"; }
done
cat meta.csv
flowagg -a 'count,sum(bytes),sum(packets),distinct(srcaddr),distinct(dstport),min(start),max(end)' -O csv \
  --no-header in.flows
cat aggregates.csv types.csv
