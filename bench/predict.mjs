// Peak memory and speed of `recc predict` on the wide spec (50 features, 20 tasks;
// bench/lib/generate-wide.mjs) against rows, from CSV and from Parquet, with `recc eval` on the
// same files beside it as the reference (eval holds the encoded file in memory; predict streams, so
// its peak should not grow with the file). Weights: the spec's seeded initial weights.
//
//   node bench/predict.mjs [--rows 300000,3000000] [--formats csv,parquet] [--no-eval]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import { wideSpec, writeWideCsv, WIDE_COLUMNS } from './lib/generate-wide.mjs';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const rowsList = arg('--rows', '300000,3000000').split(',').map(Number);
const formats = arg('--formats', 'csv,parquet').split(',');
const cache = arg('--cache', join(tmpdir(), 'recc-bench-memory'));
mkdirSync(cache, { recursive: true });

const { analyze } = await import(join(DIST, 'semantics/analyze.js'));
const { initWeights } = await import(join(DIST, 'lower/tfjs/init.js'));
const { encodeSafetensors } = await import(join(DIST, 'io/safetensors.js'));
const { streamRows } = await import(join(DIST, 'data/read.js'));
const { newReport } = await import(join(DIST, 'data/record.js'));

/** The CSV as Parquet (text ids, numbers as DOUBLE), row groups of 100 000 rows, streamed. */
async function csvToParquet(csv, file) {
  const numeric = (c) => !c.startsWith('f');
  const schema = [{ name: 'root', num_children: WIDE_COLUMNS.length }, ...WIDE_COLUMNS.map((c) => (numeric(c) ? { name: c, type: 'DOUBLE', repetition_type: 'REQUIRED' } : { name: c, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' }))];
  const writer = new ParquetWriter({ writer: fileWriter(file), schema });
  let held = WIDE_COLUMNS.map(() => []);
  const flush = () => {
    if (held[0].length === 0) return;
    writer.write({ columnData: WIDE_COLUMNS.map((name, k) => ({ name, data: held[k] })), rowGroupSize: held[0].length });
    held = WIDE_COLUMNS.map(() => []);
  };
  for await (const { row } of streamRows(csv, { skipBadRows: false }, newReport())) {
    WIDE_COLUMNS.forEach((c, k) => held[k].push(numeric(c) ? Number(row[c]) : row[c]));
    if (held[0].length >= 100_000) flush();
  }
  flush();
  writer.finish();
}

// The live heap: the largest heap left after a full collection (V8's --trace-gc lines
// `Mark-Compact 199.9 (221.7) -> 76.4 (113.0) MB`). The peak RSS also counts garbage that V8 lets
// build up before it collects, which grows with the length of a run until V8's heap limit settles,
// so a short run's peak is lower whatever the program holds; the live heap is what must stay flat.
const liveHeap = (out) => Math.max(0, ...[...out.matchAll(/Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \(/g)].map((m) => Number(m[1])));

function run(args) {
  const r = spawnSync(process.execPath, ['--trace-gc', join(ROOT, 'bench/lib/peak-rss.mjs'), DIST, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const j = JSON.parse(line);
    return j.code === 0 ? { mb: j.peakRssMB, live: Math.round(liveHeap(r.stdout)), s: j.seconds, cpu: j.cpuSeconds } : { error: `exit ${j.code}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}` };
  } catch {
    return { error: /heap out of memory|Allocation failed/.test(r.stderr) ? 'died: heap out of memory' : `died (${r.signal ?? r.status})` };
  }
}
const show = (x, rows) => (x.error ? x.error : `${x.mb} MB (live ${x.live}), ${x.s} s, cpu ${x.cpu} s (${Math.round(rows / x.cpu)} rows/cpu-s)`);

console.log(`${'rows'.padStart(9)}  ${'format'.padEnd(8)} ${'MB'.padStart(5)}  ${'recc predict'.padEnd(56)}  recc eval (reference: in memory)`);
const peaks = {};
for (const rows of rowsList) {
  const csv = join(cache, `wide-${rows}.csv`);
  if (!existsSync(csv)) writeWideCsv(csv, rows);
  const pq = join(cache, `wide-${rows}.parquet`);
  if (!existsSync(pq)) await csvToParquet(csv, pq);
  const spec = join(cache, `wide-${rows}.rec`);
  writeFileSync(spec, wideSpec(`wide-${rows}.csv`));
  const g = analyze(wideSpec(`wide-${rows}.csv`), spec).graph;
  const weights = join(cache, 'wide.safetensors');
  const w = initWeights(g, 1);
  writeFileSync(weights, encodeSafetensors(Object.fromEntries(g.params.map((p) => [p.name, { shape: p.shape, data: w[p.name] }]))));
  for (const data of [csv, pq].filter((f) => formats.includes(f.split('.').pop()))) {
    const out = mkdtempSync(join(tmpdir(), 'recc-predict-'));
    const p = run(['predict', spec, '--weights', weights, '--data', data, '-o', join(out, 'scores.parquet'), '--threads', '1']);
    rmSync(out, { recursive: true, force: true });
    const e = process.argv.includes('--no-eval') ? { error: 'skipped' } : run(['eval', spec, '--weights', weights, '--data', data, '--backend', 'wasm', '--json']);
    const fmt = data.endsWith('.csv') ? 'CSV' : 'Parquet';
    (peaks[fmt] ??= []).push({ rows, p, e });
    console.log(`${String(rows).padStart(9)}  ${fmt.padEnd(8)} ${(statSync(data).size / 1e6).toFixed(0).padStart(5)}  ${show(p, rows).padEnd(56)}  ${show(e, rows)}`);
  }
}
for (const [fmt, list] of Object.entries(peaks)) {
  if (list.length < 2) continue;
  const [a, b] = [list[0], list[list.length - 1]];
  const ratio = (x, y) => (x.error || y.error ? 'n/a' : (y.mb / x.mb).toFixed(2));
  const live = (x, y) => (x.error || y.error ? 'n/a' : (y.live / x.live).toFixed(2));
  console.log(`${fmt}: ${b.rows / a.rows}× the rows: predict peak RSS ×${ratio(a.p, b.p)}, live heap ×${live(a.p, b.p)}; eval peak RSS ×${ratio(a.e, b.e)}, live heap ×${live(a.e, b.e)}`);
}
