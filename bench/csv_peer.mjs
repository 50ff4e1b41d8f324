// csv_peer.mjs - DuckDB (the npm package @duckdb/node-api) on bench_csv's file: the peer of
// bench/csv.sh.
//
//   node csv_peer.mjs FILE THREADS [REPS]
//
// Timed, per repetition (best of REPS, default 3), in a fresh in-memory database with
// SET threads = THREADS: read_csv of the whole file into a table (id and name VARCHAR, revenue
// and m1..m12 DECIMAL(18,2): exact, as libkam's minor units), then one query that computes
// the ABC classes (an account is A while the revenue ranked above it is below 80 % of the
// total, B below 95 %, zero revenue is C) and the cv of the 12 months (population standard
// deviation / mean; XYZ cuts 0.10 and 0.25) and counts them. Prints a line like bench_csv's.
import { DuckDBInstance } from '@duckdb/node-api';
import { statSync } from 'node:fs';

const [file, threads, repsArg] = process.argv.slice(2);
const reps = Number(repsArg || 3);
const months = Array.from({ length: 12 }, (_, i) => `m${i + 1}`);
const types = { id: 'VARCHAR', name: 'VARCHAR', revenue: 'DECIMAL(18,2)' };
for (const m of months) types[m] = 'DECIMAL(18,2)';
const columns = '{' + Object.entries(types).map(([k, v]) => `'${k}': '${v}'`).join(', ') + '}';
const load = `CREATE TABLE t AS SELECT * FROM read_csv('${file.replace(/'/g, "''")}', ` +
  `delim = ';', decimal_separator = ',', quote = '"', escape = '"', header = true, ` +
  `columns = ${columns})`;
const mean = '(' + months.map((m) => `${m}::DOUBLE`).join(' + ') + ') / 12.0';
const sq = months.map((m) => `(${m}::DOUBLE - mean) * (${m}::DOUBLE - mean)`).join(' + ');
const query = `
WITH w AS (
  SELECT revenue,
         coalesce(sum(revenue) OVER (ORDER BY revenue DESC
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before,
         sum(revenue) OVER () AS total,
         ${mean} AS mean, ${sq} AS sq
  FROM t),
c AS (
  SELECT CASE WHEN revenue > 0 AND before < 0.80 * total THEN 'A'
              WHEN revenue > 0 AND before < 0.95 * total THEN 'B' ELSE 'C' END AS abc,
         CASE WHEN mean = 0 THEN NULL ELSE sqrt(sq / 12.0) / mean END AS cv
  FROM w)
SELECT count(*) FILTER (WHERE abc = 'A') AS a, count(*) FILTER (WHERE abc = 'B') AS b,
       count(*) FILTER (WHERE abc = 'C') AS c, count(*) FILTER (WHERE cv <= 0.10) AS x,
       count(*) FILTER (WHERE cv > 0.10 AND cv <= 0.25) AS y, count(*) FILTER (WHERE cv > 0.25) AS z,
       count(*) AS n
FROM c`;

let best = Infinity, bestCpu = Infinity, row;
for (let r = 0; r < reps; r++) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const conn = await db.connect();
  await conn.run(load);
  const res = await conn.runAndReadAll(query);
  row = res.getRows()[0].map(Number);
  conn.closeSync();
  db.closeSync?.();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const cu = process.cpuUsage(c0);
  best = Math.min(best, wall);
  bestCpu = Math.min(bestCpu, (cu.user + cu.system) / 1e3);
}
const [a, b, c, x, y, z, n] = row;
console.log(`duckdb threads=${threads} n=${n} bytes=${statSync(file).size} wall_ms=${best.toFixed(1)} ` +
  `cpu_ms=${bestCpu.toFixed(1)} A=${a} B=${b} C=${c} X=${x} Y=${y} Z=${z}`);
