// Runs DuckDB SQL statements (argv[2..]) and prints the last one's rows as JSON lines.
const { DuckDBInstance } = require('@duckdb/node-api');
(async () => {
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  let r;
  for (const sql of process.argv.slice(2)) r = await con.runAndReadAll(sql);
  for (const row of r.getRowObjectsJson()) console.log(JSON.stringify(row));
})().catch(e => { console.error(e.message); process.exit(1); });
