// `recc synth SETTING -o DIR`: a paper setting's synthetic data as CSV, with its ground truth.
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { settingAt, SYNTH } from '../data/synth/index.js';
import { ensureWritableDir, writeFileAtomic } from '../io/atomic-write.js';
import { displayPath } from './output.js';
import { positiveInt } from './train.js';

function seedInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer ≥ 0');
  return n;
}

interface SynthCliOptions {
  out?: string;
  rows: number;
  seed: number;
  version?: number;
  describe?: boolean;
}

export function runSynth(setting: string, o: SynthCliOptions): number {
  const s = settingAt(setting, o.version);
  if ('error' in s) {
    process.stderr.write(`error: ${s.error}\n`);
    return 1;
  }
  const version = o.version ?? s.version ?? 1;
  if (o.describe) {
    process.stdout.write(`${setting} (version ${version}): ${s.doc}\n`);
    return 0;
  }
  if (!o.out) {
    process.stderr.write('error: pass -o DIR to write the data (or --describe to print what the setting models)\n');
    return 1;
  }
  ensureWritableDir(o.out);
  const rows = s.generate({ seed: o.seed, rows: o.rows });
  const file = join(o.out, `${setting}.csv`);
  writeFileAtomic(file, stringify(rows, { header: true, columns: s.columns }));
  writeFileAtomic(join(o.out, `${setting}.README.md`), `# synthetic setting \`${setting}\` version ${version} (seed ${o.seed}, ${rows.length} rows)\n\n${s.doc}\n`);
  process.stdout.write(`wrote ${displayPath(file)} (${rows.length} rows, columns ${s.columns.join(', ')})\n`);
  return 0;
}

export function register(program: Command, setCode: (c: number) => void): void {
  program
    .command('synth')
    .description('write a synthetic dataset of a paper setting (--describe: what it models)')
    .argument('<setting>', Object.keys(SYNTH).join(' | '))
    .option('-o, --out <dir>', 'output directory')
    .option('--rows <n>', 'rows to generate', positiveInt, 100_000)
    .option('--seed <n>', 'seed (an integer ≥ 0)', seedInt, 1)
    .option('--setting-version <n>', 'the setting\'s version (default: the latest; poso and pepnet: 2, 1 = the earlier setting)', positiveInt)
    .option('--describe', 'print the generative process, what a model must learn, and the options; write nothing')
    .action((setting: string, o: Omit<SynthCliOptions, 'version'> & { settingVersion?: number }) =>
      setCode(runSynth(setting, { ...o, version: o.settingVersion })),
    );
}
