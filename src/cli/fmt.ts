// `recc fmt [--check | --stdout] PATHS`: format specs in place (atomically: temp file + rename),
// list those that are not formatted, or print the formatted text. A directory stands for the
// `.rec` files under it. A file that does not parse is reported with its first error and left alone.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatRec } from '../format/format.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { displayPath } from './output.js';

/** The `.rec` files named or under the directories named, in a stable order. */
function expand(paths: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.rec')) files.push(p);
    }
  };
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      missing.push(p);
      continue;
    }
    if (isDir) walk(p);
    else files.push(p);
  }
  return { files, missing };
}

/**
 * Exit code: 0 when every file is (now) formatted; 1 when `check` found unformatted files or a
 * file could not be read or parsed.
 */
export async function runFmt(paths: string[], opts: { check: boolean; write: boolean }): Promise<number> {
  const { files, missing } = expand(paths);
  let failed = missing.length;
  for (const m of missing) process.stderr.write(`${m}: no such file or directory\n`);
  let unformatted = 0;
  let changed = 0;
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      process.stderr.write(`${displayPath(f)}: cannot read: ${(e as Error).message}\n`);
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
    if (opts.check) {
      if (out !== text) {
        process.stdout.write(`${displayPath(f)}\n`);
        unformatted++;
      }
    } else if (!opts.write) {
      process.stdout.write(out);
    } else if (out !== text) {
      try {
        writeFileAtomic(f, out);
        changed++;
      } catch (e) {
        process.stderr.write(`${displayPath(f)}: cannot write: ${(e as Error).message}\n`);
        failed++;
      }
    }
  }
  const broken = failed ? `, ${failed} failed` : '';
  if (opts.check) {
    process.stderr.write(unformatted ? `${unformatted} of ${files.length} file(s) need formatting (run \`recc fmt\`)${broken}\n` : `all ${files.length} file(s) formatted${broken}\n`);
  } else if (opts.write) {
    process.stderr.write(`formatted ${changed} of ${files.length} file(s)${broken}\n`);
  }
  return failed > 0 || unformatted > 0 ? 1 : 0;
}

export function register(program: Command, setCode: (c: number) => void): void {
  program
    .command('fmt')
    .description('format .rec files in place (Prettier plugin); --check lists the files that are not formatted')
    .argument('<paths...>', '.rec files or directories')
    .option('--check', 'do not write; list the files that are not formatted and exit 1 if any', false)
    .option('--stdout', 'print the formatted text instead of writing the files', false)
    .action(async (paths: string[], o: { check: boolean; stdout: boolean }) => setCode(await runFmt(paths, { check: o.check, write: !o.stdout })));
}
