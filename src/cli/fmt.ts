// `recc fmt [--check] FILES`: format specs in place (atomically), or list those not formatted.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatRec } from '../format/format.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { displayPath } from './output.js';

export async function runFmt(files: string[], opts: { check: boolean }): Promise<number> {
  let unformatted = 0;
  let failed = 0;
  let changed = 0;
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      process.stderr.write(`${f}: cannot read: ${(e as Error).message}\n`);
      failed++;
      continue;
    }
    let out: string;
    try {
      out = await formatRec(text, { filepath: f });
    } catch (e) {
      process.stderr.write(`${displayPath(f)}: not formatted: ${(e as Error).message.split('\n')[0]}\n`);
      failed++;
      continue;
    }
    if (out === text) continue;
    if (opts.check) {
      process.stdout.write(`${displayPath(f)}\n`);
      unformatted++;
    } else {
      writeFileAtomic(f, out);
      changed++;
    }
  }
  if (opts.check) process.stderr.write(unformatted ? `${unformatted} file(s) need formatting (run \`recc fmt\`)\n` : `all ${files.length} file(s) formatted\n`);
  else process.stderr.write(`formatted ${changed} of ${files.length} file(s)\n`);
  return failed > 0 || unformatted > 0 ? 1 : 0;
}

export function register(program: Command, setCode: (c: number) => void): void {
  program
    .command('fmt')
    .description('format .rec files (Prettier plugin); --check lists the files that are not formatted')
    .argument('<files...>', '.rec files')
    .option('--check', 'do not write; exit 1 if a file is not formatted', false)
    .action(async (files: string[], o: { check: boolean }) => setCode(await runFmt(files, o)));
}
