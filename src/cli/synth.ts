// `recc synth SETTING -o DIR [--format F]`: a paper setting's synthetic data (CSV, TSV, JSON Lines
// or Parquet), with a README of what it models. A column of numbers is written as numbers (DOUBLE
// in Parquet), every other column as text, so each format reads back as the CSV does.
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import type { Format } from '../data/file-format.js';
import type { Row } from '../data/row.js';
import { settingAt, SYNTH } from '../data/synth/index.js';
import { MAX_SYNTH_ROWS_TEXT, synthRowsRefusal } from '../data/synth/max-rows.js';
import { openTable, type TableColumn } from '../data/write-table.js';
import { ensureWritableDir, removeStaleTemps, writeFileAtomic } from '../io/atomic-write.js';
import { displayPath } from './output.js';
import { nonNegativeInt, positiveInt } from './int-option.js';

const FORMATS: Format[] = ['csv', 'tsv', 'jsonl', 'parquet'];
const CHUNK = 65_536;

/** Rows [from, to) as columns: numbers where every row of the setting holds one, else text. */
function columnsOf(rows: Row[], names: string[], numeric: Set<string>, from: number, to: number): TableColumn[] {
  const part = rows.slice(from, to);
  return names.map((name): TableColumn =>
    numeric.has(name) ? { name, kind: 'double', values: Float64Array.from(part, (r) => r[name] as number) } : { name, kind: 'text', values: part.map((r) => String(r[name] ?? '')) },
  );
}

function writeRows(file: string, format: Format, names: string[], rows: Row[]): void {
  const numeric = new Set(names.filter((c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number')));
  const table = openTable(file, format, names.map((name) => ({ name, kind: numeric.has(name) ? 'double' : 'text' })), 'recc synth');
  try {
    for (let at = 0; at < rows.length; at += CHUNK) table.write(columnsOf(rows, names, numeric, at, Math.min(rows.length, at + CHUNK)));
    table.commit();
  } catch (e) {
    table.abort();
    throw e;
  }
}

interface SynthCliOptions {
  out?: string;
  format: Format;
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
  const tooMany = synthRowsRefusal(setting, o.rows, `--rows ${o.rows}`);
  if (tooMany) {
    process.stderr.write(`error[REC6013]: ${tooMany}\n`);
    return 1;
  }
  if (!o.out) {
    process.stderr.write('error: pass -o DIR to write the data (or --describe to print what the setting models)\n');
    return 1;
  }
  ensureWritableDir(o.out, `-o ${o.out}`);
  removeStaleTemps(o.out);
  const rows = s.generate({ seed: o.seed, rows: o.rows });
  const file = join(o.out, `${setting}.${o.format}`);
  writeRows(file, o.format, s.columns, rows);
  writeFileAtomic(join(o.out, `${setting}.README.md`), `# synthetic setting \`${setting}\` version ${version} (seed ${o.seed}, ${rows.length} rows)\n\n${s.doc}\n`);
  process.stdout.write(`wrote ${displayPath(file)} (${rows.length} rows, columns ${s.columns.join(', ')})\n`);
  return 0;
}

export function register(program: Command, setCode: (c: number) => void): void {
  program
    .command('synth')
    .description('write a synthetic dataset of a paper setting (--describe: what it models)')
    .argument('<setting>', Object.keys(SYNTH).join(' | '))
    .option('-o, --out <dir>', 'output directory: SETTING.<format> and SETTING.README.md')
    .addOption(new Option('--format <f>', 'file format').choices(FORMATS).default('csv'))
    .option('--rows <n>', `rows to generate (at most ${MAX_SYNTH_ROWS_TEXT}: they are made in memory)`, positiveInt, 100_000)
    .option('--seed <n>', 'seed (an integer ≥ 0)', nonNegativeInt, 1)
    .option('--setting-version <n>', 'the setting\'s version (default: the latest; poso and pepnet: 2, 1 = the earlier setting)', positiveInt)
    .option('--describe', 'print the generative process, what a model must learn, and the options; write nothing')
    .action((setting: string, o: Omit<SynthCliOptions, 'version'> & { settingVersion?: number }) =>
      setCode(runSynth(setting, { ...o, version: o.settingVersion })),
    );
}
