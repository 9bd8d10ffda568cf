# flowagg over Parquet (two threads sharing the file by row groups, and one) answers as DuckDB
# does over the same file: sums and counts per group, a filtered count.
. ../parquet/node.bash
duck "SET VARIABLE n = 20000" "$AWS_TABLE" \
  "COPY flows TO '$WORK/f.parquet' (FORMAT parquet, COMPRESSION gzip, ROW_GROUP_SIZE 2048)" >/dev/null
duck "SELECT dstport, count(*) AS c, sum(bytes) AS b, sum(packets) AS p FROM '$WORK/f.parquet'
      WHERE bytes IS NOT NULL GROUP BY dstport ORDER BY dstport" | tr -d '{}"' | tr ',' '\n' | cut -d: -f2 | paste -d' ' - - - - > "$WORK/duck.txt"
for threads in 1 2; do
  flowagg --threads $threads --no-header -w 'bytes is not null' -k dstport -a count,bytes,packets "$WORK/f.parquet" | sort -n > "$WORK/ours.txt"
  cmp -s "$WORK/duck.txt" "$WORK/ours.txt" && echo "--threads $threads: per dstport as DuckDB" || diff "$WORK/duck.txt" "$WORK/ours.txt"
done
echo "rejected to 22 or 3389: DuckDB $(duck "SELECT count(*) AS c FROM '$WORK/f.parquet' WHERE action = 'REJECT' AND dstport IN (22, 3389)" | tr -dc 0-9)," \
  "flowagg $(flowagg --no-header -w 'action == REJECT and dstport in {22, 3389}' -a count "$WORK/f.parquet")"
