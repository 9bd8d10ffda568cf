// Reads Parquet with independent readers, for the tests: prints rows as CSV the way flowcat -O csv
// --no-header writes them (empty cells for nulls, quotes only where RFC 4180 needs them).
//   node parquet.mjs sql 'SELECT ...'      DuckDB (2 threads), the rows of a query
//   node parquet.mjs hyparquet FILE        hyparquet, every row of a file (GZIP with Node's zlib)
import zlib from 'node:zlib';

function cell(v) {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : String(v);
  return /[",\r\n]/.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s;
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'sql') {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await db.connect();
  const result = await conn.runAndReadAll(arg);
  for (const row of result.getRows()) console.log(row.map(cell).join(','));
} else if (mode === 'hyparquet') {
  const { asyncBufferFromFile, parquetReadObjects } = await import('hyparquet');
  const compressors = { GZIP: (bytes) => new Uint8Array(zlib.gunzipSync(bytes)) };
  const rows = await parquetReadObjects({ file: await asyncBufferFromFile(arg), compressors });
  for (const row of rows) console.log(Object.values(row).map(cell).join(','));
} else {
  console.error('usage: node parquet.mjs sql QUERY | hyparquet FILE');
  process.exit(2);
}
