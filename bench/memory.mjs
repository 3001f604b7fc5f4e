// Peak memory of `recc train` on the wide spec (50 features, 20 tasks; bench/lib/generate-wide.mjs)
// against rows, for this build and, with `--before DIST`, an earlier build's dist/ beside it, in
// one run; and the encoded bytes per row. Each run loads the CSV, splits it and takes a few
// optimizer steps (--max-steps), which is where memory peaks; a full epoch adds time, not memory.
//
//   node bench/memory.mjs [--rows 200000,1000000,2000000] [--before /path/to/old/dist] [--stream]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wideSpec, writeWideCsv } from './lib/generate-wide.mjs';

const ROOT = join(import.meta.dirname, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const rowsList = arg('--rows', '200000,1000000,2000000').split(',').map(Number);
const before = arg('--before', undefined);
const cache = arg('--cache', join(tmpdir(), 'recc-bench-memory'));
mkdirSync(cache, { recursive: true });

function run(dist, spec, extra) {
  const out = mkdtempSync(join(tmpdir(), 'recc-mem-'));
  const r = spawnSync(process.execPath, [join(ROOT, 'bench/lib/peak-rss.mjs'), dist, 'train', spec, '-o', out, '--max-steps', '3', ...extra], { encoding: 'utf8', maxBuffer: 1 << 26 });
  rmSync(out, { recursive: true, force: true });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const j = JSON.parse(line);
    return j.code === 0 ? `${j.peakRssMB} MB (${j.seconds} s)` : `exit ${j.code}, ${j.peakRssMB} MB`;
  } catch {
    const why = /heap out of memory|Allocation failed/.test(r.stderr) ? 'died: heap out of memory' : `died (${r.signal ?? r.status})`;
    return why;
  }
}

// Encoded bytes per row, from the dataset the loader builds (inputs, labels, key references).
const { loadData } = await import(join(ROOT, 'dist/train/data-source.js'));
const { analyze } = await import(join(ROOT, 'dist/semantics/analyze.js'));
const small = join(cache, 'wide-1000.csv');
if (!existsSync(small)) writeWideCsv(small, 1000);
const g = analyze(wideSpec('wide-1000.csv'), join(cache, 'bytes.rec')).graph;
const ds = (await loadData(g, { skipBadRows: false, seed: 1 })).dataset;
const bytes = [...Object.values(ds.inputs), ...Object.values(ds.labels)].reduce((s, a) => s + a.byteLength, 0) + Object.keys(ds.keys).length * 8 * ds.n;
console.log(`encoded: ${(bytes / ds.n).toFixed(0)} bytes per row (${Object.keys(ds.inputs).length} feature columns, ${Object.keys(ds.labels).length} labels, ${Object.keys(ds.keys).length} key column as references)`);

console.log(`\n${'rows'.padStart(10)}  ${'CSV MB'.padStart(7)}  ${'this build'.padEnd(24)}${before ? '  before' : ''}`);
for (const rows of rowsList) {
  const csv = join(cache, `wide-${rows}.csv`);
  if (!existsSync(csv)) writeWideCsv(csv, rows);
  const spec = join(cache, `wide-${rows}.rec`);
  writeFileSync(spec, wideSpec(`wide-${rows}.csv`));
  const { size } = (await import('node:fs')).statSync(csv);
  const now = run(join(ROOT, 'dist'), spec, process.argv.includes('--stream') ? ['--stream'] : []);
  const then = before ? run(before, spec, []) : '';
  console.log(`${String(rows).padStart(10)}  ${(size / 1e6).toFixed(0).padStart(7)}  ${now.padEnd(24)}${before ? `  ${then}` : ''}`);
}
