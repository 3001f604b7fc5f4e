// `recc synth SETTING -o DIR`: a paper setting's synthetic data as CSV, with its ground truth.
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { SYNTH } from '../data/synth/index.js';
import { ensureWritableDir, writeFileAtomic } from '../io/atomic-write.js';
import { displayPath } from './output.js';
import { positiveInt } from './train.js';

function seedInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer ≥ 0');
  return n;
}

export function runSynth(setting: string, o: { out: string; rows: number; seed: number }): number {
  const s = SYNTH[setting];
  if (!s) {
    process.stderr.write(`error: unknown setting \`${setting}\` (known: ${Object.keys(SYNTH).join(', ')})\n`);
    return 1;
  }
  ensureWritableDir(o.out);
  const rows = s.generate({ seed: o.seed, rows: o.rows });
  const file = join(o.out, `${setting}.csv`);
  writeFileAtomic(file, stringify(rows, { header: true, columns: s.columns }));
  writeFileAtomic(join(o.out, `${setting}.README.md`), `# synthetic setting \`${setting}\` (seed ${o.seed}, ${rows.length} rows)\n\n${s.doc}\n`);
  process.stdout.write(`wrote ${displayPath(file)} (${rows.length} rows, columns ${s.columns.join(', ')})\n`);
  return 0;
}

export function register(program: Command, setCode: (c: number) => void): void {
  program
    .command('synth')
    .description('write a synthetic dataset of a paper setting')
    .argument('<setting>', Object.keys(SYNTH).join(' | '))
    .requiredOption('-o, --out <dir>', 'output directory')
    .option('--rows <n>', 'rows to generate', positiveInt, 100_000)
    .option('--seed <n>', 'seed (an integer ≥ 0)', seedInt, 1)
    .action((setting: string, o: { out: string; rows: number; seed: number }) => setCode(runSynth(setting, o)));
}
