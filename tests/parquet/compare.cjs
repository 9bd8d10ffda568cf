// Compares records read by our tools (JSON Lines on stdin: flowcat -O json) with DuckDB's reading
// of the same Parquet file (argv[2]): same rows in the same order, every column equal (names with
// '_' read as '-'; a null is an absent or null field; TIMESTAMP columns as Unix seconds).
// Prints "N rows equal" or the first difference (exit 1).
const { DuckDBInstance } = require('@duckdb/node-api');
const fs = require('fs');
(async () => {
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  const file = process.argv[2].replace(/'/g, "''");
  const desc = (await con.runAndReadAll(`DESCRIBE SELECT * FROM '${file}'`)).getRowObjectsJson();
  const cols = desc.map(d => d.column_name);
  const sel = desc.map(d => (d.column_type.startsWith('TIMESTAMP') ? `epoch(${q(d.column_name)})::BIGINT` : q(d.column_name)) + ' AS ' + q(d.column_name)).join(', ');
  const rows = (await con.runAndReadAll(`SELECT ${sel} FROM '${file}'`)).getRowObjectsJson();
  const ours = fs.readFileSync(0, 'utf8').split('\n').filter(l => l).map(l => JSON.parse(l));
  if (ours.length !== rows.length) fail(`${ours.length} rows read, DuckDB reads ${rows.length}`);
  for (let i = 0; i < rows.length; ++i)
    for (const c of cols) {
      const name = c.replace(/^_+/, '').replace(/_/g, '-').toLowerCase();
      const a = ours[i][name] ?? null, b = rows[i][c] ?? null;
      if (!same(a, b)) fail(`row ${i + 1}, column ${c}: ours ${JSON.stringify(a)}, DuckDB ${JSON.stringify(b)}`);
    }
  console.log(`${rows.length} rows equal`);
})().catch(e => fail(e.message));
function q(n) { return '"' + n.replace(/"/g, '""') + '"'; }
function same(a, b) {
  if (a === null || b === null) return a === b;
  if (typeof a === 'number' || typeof b === 'number') return Math.abs(Number(a) - Number(b)) <= 1e-9 * Math.abs(Number(b));
  return String(a) === String(b);
}
function fail(m) { console.log(m); process.exit(1); }
