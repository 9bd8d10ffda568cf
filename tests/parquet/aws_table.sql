-- AWS's Parquet flow-log schema (formats.md §1.6: INT32 version/ports/protocol, INT64
-- packets/bytes/start/end, strings), with NODATA rows (nulls) and a few extra columns:
-- deterministic rows for N = the number of rows (set by the caller with SET VARIABLE n).
CREATE TABLE flows AS
SELECT
  CAST(2 AS INTEGER) AS version,
  '123456789012' AS account_id,
  'eni-' || lpad(CAST(i % 13 AS VARCHAR), 17, '0') AS interface_id,
  CASE WHEN i % 37 = 0 THEN NULL ELSE '10.0.' || (i % 7) || '.' || (i * 13 % 251) END AS srcaddr,
  CASE WHEN i % 37 = 0 THEN NULL ELSE '172.31.' || (i % 3) || '.' || (i * 7 % 253) END AS dstaddr,
  CASE WHEN i % 37 = 0 THEN NULL ELSE CAST(1024 + i * 31 % 60000 AS INTEGER) END AS srcport,
  CASE WHEN i % 37 = 0 THEN NULL ELSE CAST([443, 80, 22, 53, 3389][i % 5 + 1] AS INTEGER) END AS dstport,
  CASE WHEN i % 37 = 0 THEN NULL ELSE CAST(CASE WHEN i % 5 = 3 THEN 17 ELSE 6 END AS INTEGER) END AS protocol,
  CASE WHEN i % 37 = 0 THEN NULL ELSE CAST(1 + i % 97 AS BIGINT) END AS packets,
  CASE WHEN i % 37 = 0 THEN NULL ELSE CAST(40 + i * 977 % 150000 AS BIGINT) END AS bytes,
  CAST(1700000000 + i // 10 AS BIGINT) AS start,
  CAST(1700000060 + i // 10 AS BIGINT) AS "end",
  CASE WHEN i % 37 = 0 THEN NULL WHEN i % 11 = 0 THEN 'REJECT' ELSE 'ACCEPT' END AS action,
  CASE WHEN i % 37 = 0 THEN 'NODATA' ELSE 'OK' END AS log_status
FROM range(getvariable('n')) r(i);
