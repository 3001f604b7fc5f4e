// Front-end speed: parse + check + IR of the largest example, in-process and warm, and
// `recc check examples/pepnet-multidomain.rec` as a whole process beside `node -e 0` (issue 13's
// target: at most 2×), and beside a reference build with `--against ROOT` (e.g. a worktree of the
// previous commit, built). Process runs alternate between the commands, so the machine's load falls
// on all alike. Run after `npm run build`: node bench/frontend.mjs [--against ROOT]
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../dist/semantics/analyze.js';

const root = join(fileURLToPath(import.meta.url), '../..');
const at = process.argv.indexOf('--against');
const against = at >= 0 ? process.argv[at + 1] : undefined;
const specs = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.rec')).map((f) => join(root, 'examples', f));
const largest = specs.sort((a, b) => statSync(b).size - statSync(a).size)[0];
const text = readFileSync(largest, 'utf8');

const median = (t) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)];
const p90 = (t) => [...t].sort((a, b) => a - b)[Math.floor(t.length * 0.9)];
const ms = (fn) => {
  const s = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - s) / 1e6;
};

for (let i = 0; i < 20; i++) analyze(text, largest); // warm up
const warm = Array.from({ length: 100 }, () => ms(() => analyze(text, largest)));
console.log(`largest example: ${largest.split('/').pop()} (${text.split('\n').length} lines, its stdlib modules included in the timing)`);
console.log(`parse + check + IR, in-process warm: median ${median(warm).toFixed(2)} ms, p90 ${p90(warm).toFixed(2)} ms`);

const spec = join(root, 'examples/pepnet-multidomain.rec');
const commands = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'recc check (this build)': [process.execPath, [join(root, 'bin/recc.js'), 'check', spec]],
  ...(against ? { 'recc check (reference)': [process.execPath, [join(against, 'bin/recc.js'), 'check', spec]] } : {}),
};
const runs = Number(process.env.RUNS ?? 20);
const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, [cmd, args]] of Object.entries(commands)) times[name].push(ms(() => execFileSync(cmd, args, { stdio: 'pipe' })));
}
console.log(`as processes, ${runs} runs each, alternating:`);
const base = median(times['node -e 0']);
for (const [name, t] of Object.entries(times)) console.log(`  ${name.padEnd(26)} median ${median(t).toFixed(0)} ms, p90 ${p90(t).toFixed(0)} ms  (${(median(t) / base).toFixed(2)}× node -e 0)`);
