// Front-end speed: parse + check + IR of the largest example, in-process and warm, and
// `recc check` as a whole process. Run after `npm run build`: node bench/frontend.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../dist/semantics/analyze.js';

const root = join(fileURLToPath(import.meta.url), '../..');
const specs = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.rec')).map((f) => join(root, 'examples', f));
const largest = specs.sort((a, b) => statSync(b).size - statSync(a).size)[0];
const text = readFileSync(largest, 'utf8');

const time = (fn, n) => {
  const t = [];
  for (let i = 0; i < n; i++) {
    const s = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(n / 2)], p90: t[Math.floor(n * 0.9)] };
};

for (let i = 0; i < 20; i++) analyze(text, largest); // warm up
const warm = time(() => analyze(text, largest), 100);
const proc = time(() => execFileSync(process.execPath, [join(root, 'bin/recc.js'), 'check', largest], { stdio: 'pipe' }), 10);
console.log(`largest example: ${largest.split('/').pop()} (${text.split('\n').length} lines, its stdlib modules included in the timing)`);
console.log(`parse + check + IR, in-process warm: median ${warm.median.toFixed(2)} ms, p90 ${warm.p90.toFixed(2)} ms`);
console.log(`recc check as a process:             median ${proc.median.toFixed(0)} ms, p90 ${proc.p90.toFixed(0)} ms`);
const nodeOnly = time(() => execFileSync(process.execPath, ['-e', '0']), 10);
console.log(`(reference: \`node -e 0\` median ${nodeOnly.median.toFixed(0)} ms)`);
