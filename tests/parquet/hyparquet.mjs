// Writes a Parquet file with hyparquet-writer (an independent writer: SNAPPY, data pages v1,
// its own row group sizes), AWS's columns and an extra one, in the encodings it offers:
// node hyparquet.mjs NODE_MODULES OUT ROWS. Rows follow aws_table.sql's formulas.
const [modules, out, nrows] = process.argv.slice(2);
const { parquetWriteFile } = await import(modules + '/hyparquet-writer/src/node.js');
const n = Number(nrows);
const col = f => Array.from({ length: n }, (_, i) => f(i));
const nodata = i => i % 37 === 0;
const ports = [443, 80, 22, 53, 3389];
parquetWriteFile({
  filename: out,
  rowGroupSize: 700,
  columnData: [
    { name: 'version', data: col(() => 2), type: 'INT32' },
    { name: 'account_id', data: col(() => '123456789012'), type: 'STRING' },
    { name: 'interface_id', data: col(i => 'eni-' + String(i % 13).padStart(17, '0')), type: 'STRING', encoding: 'DELTA_BYTE_ARRAY' },
    { name: 'srcaddr', data: col(i => (nodata(i) ? null : `10.0.${i % 7}.${(i * 13) % 251}`)), type: 'STRING', encoding: 'DELTA_LENGTH_BYTE_ARRAY' },
    { name: 'dstaddr', data: col(i => (nodata(i) ? null : `172.31.${i % 3}.${(i * 7) % 253}`)), type: 'STRING' },
    { name: 'srcport', data: col(i => (nodata(i) ? null : 1024 + ((i * 31) % 60000))), type: 'INT32', encoding: 'DELTA_BINARY_PACKED' },
    { name: 'dstport', data: col(i => (nodata(i) ? null : ports[i % 5])), type: 'INT32' },
    { name: 'protocol', data: col(i => (nodata(i) ? null : i % 5 === 3 ? 17 : 6)), type: 'INT32' },
    { name: 'packets', data: col(i => (nodata(i) ? null : BigInt(1 + (i % 97)))), type: 'INT64' },
    { name: 'bytes', data: col(i => (nodata(i) ? null : BigInt(40 + ((i * 977) % 150000)))), type: 'INT64' },
    { name: 'start', data: col(i => BigInt(1700000000 + Math.floor(i / 10))), type: 'INT64' },
    { name: 'end', data: col(i => BigInt(1700000060 + Math.floor(i / 10))), type: 'INT64' },
    { name: 'action', data: col(i => (nodata(i) ? null : i % 11 === 0 ? 'REJECT' : 'ACCEPT')), type: 'STRING' },
    { name: 'log_status', data: col(i => (nodata(i) ? 'NODATA' : 'OK')), type: 'STRING' },
    { name: 'ratio', data: col(i => i / 4), type: 'DOUBLE', encoding: 'BYTE_STREAM_SPLIT' },
  ],
});
