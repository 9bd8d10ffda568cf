# Sourced by the Parquet CLI cases (run in tests/data): the independent writers and DuckDB, from
# tests/node (scripts/install-node-deps.sh). Missing, the case fails saying so: it never skips.
NODE_MODULES=$(cd ../node && pwd)/node_modules
if ! command -v node >/dev/null || [ ! -d "$NODE_MODULES/@duckdb/node-api" ] || [ ! -d "$NODE_MODULES/hyparquet-writer" ]; then
  echo "Node.js packages missing: run scripts/install-node-deps.sh" >&2
  exit 1
fi
export NODE_PATH=$NODE_MODULES
PQ=$(cd ../parquet && pwd)
AWS_TABLE=$(cat "$PQ/aws_table.sql")
# duck SQL...: runs DuckDB statements, prints the last one's rows as JSON lines.
duck() { node "$PQ/duckdb.cjs" "$@"; }
