# Sourced by the Parquet cases: independent readers of our Parquet (DuckDB, hyparquet) through
# tests/node/parquet.mjs. Without Node or the packages a case fails and says how to get them:
# it never skips silently.
node_dir=$(cd ../node && pwd)
if ! command -v node >/dev/null || [ ! -d "$node_dir/node_modules/@duckdb/node-api" ] ||
  [ ! -d "$node_dir/node_modules/hyparquet" ]; then
  echo "Node.js or tests/node/node_modules missing: run scripts/install-node-deps.sh" >&2
  exit 1
fi

# duckdb 'SQL'...: the rows of each query, as CSV without a header ('>PATH': the rest to PATH).
duckdb() { node "$node_dir/parquet.mjs" sql "$@"; }
# hyparquet FILE...: every row of each Parquet file, as CSV without a header ('>PATH' as above).
hyparquet() { node "$node_dir/parquet.mjs" hyparquet "$@"; }
