// Reads Parquet with independent readers, for the tests: prints rows as CSV the way flowcat -O csv
// --no-header writes them (empty cells for nulls, quotes only where RFC 4180 needs them).
//   node parquet.mjs sql 'SELECT ...'...   DuckDB (2 threads), the rows of each query
//   node parquet.mjs hyparquet FILE...     hyparquet, every row of each file (GZIP with Node's zlib)
// An argument '>PATH' sends what the arguments after it print to PATH instead (one Node and
// DuckDB start for many queries: the tests stay quick).
import fs from 'node:fs';
import zlib from 'node:zlib';

function cell(v) {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : String(v);
  return /[",\r\n]/.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s;
}

const [mode, ...args] = process.argv.slice(2);
let out = 1;  // standard output
async function each(rowsOf) {
  for (const arg of args) {
    if (arg.startsWith('>')) {
      out = fs.openSync(arg.slice(1), 'w');
      continue;
    }
    const lines = (await rowsOf(arg)).map((row) => row.map(cell).join(',') + '\n');
    fs.writeSync(out, lines.join(''));
  }
}
if (mode === 'sql') {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await db.connect();
  await each(async (sql) => (await conn.runAndReadAll(sql)).getRows());
} else if (mode === 'hyparquet') {
  const { asyncBufferFromFile, parquetReadObjects } = await import('hyparquet');
  const compressors = { GZIP: (bytes) => new Uint8Array(zlib.gunzipSync(bytes)) };
  await each(async (file) =>
    (await parquetReadObjects({ file: await asyncBufferFromFile(file), compressors })).map(Object.values));
} else {
  console.error('usage: node parquet.mjs sql QUERY | hyparquet FILE');
  process.exit(2);
}
