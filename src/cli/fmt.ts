// `recc fmt [--check | --stdout] PATHS`: format specs in place (atomically: temp file + rename),
// list those that are not formatted, or print the formatted text. A directory stands for the
// `.rec` files under it. A file that does not parse is reported with its first error and left alone;
// so is one that `recc check` would refuse (not UTF-8, not a regular file, too large): decoding
// such a file leniently would write U+FFFD over every byte it could not read.
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { formatRec } from '../format/format.js';
import { removeStaleTemps, writeFileAtomic } from '../io/atomic-write.js';
import { filePolicy, isRefusal, readChecked, type Refusal } from '../io/file-policy.js';
import { recFilesUnder } from '../io/rec-files.js';
import { displayPath } from './output.js';

/** The `.rec` files named or under the directories named, in a stable order. */
function expand(paths: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      missing.push(p);
      continue;
    }
    if (isDir) files.push(...recFilesUnder(p));
    else files.push(p);
  }
  return { files, missing };
}

/**
 * A spec's text read as `recc check` reads it (the same policy, the same refusals), its byte-order
 * mark kept: Prettier keeps a leading BOM in what it prints, so a formatted file keeps it too.
 */
const readSpec = (path: string): { text: string } | Refusal => readChecked(filePolicy(), path, 'spec', undefined, true);

/** The last line of a run: counts that are true, so that a file that failed is never called formatted. */
function summary(o: { check: boolean; files: number; failed: number; failedFiles: number; unformatted: number; changed: number }): string {
  const broken = o.failed ? `, ${o.failed} failed` : '';
  if (!o.check) return `formatted ${o.changed} of ${o.files} file(s)${broken}`;
  if (o.unformatted) return `${o.unformatted} of ${o.files} file(s) need formatting (run \`recc fmt\`)${broken}`;
  return o.failed ? `${o.files - o.failedFiles} file(s) formatted${broken}` : `all ${o.files} file(s) formatted`;
}

/**
 * Exit code: 0 when every file is (now) formatted; 1 when `check` found unformatted files or a
 * file could not be read or parsed.
 */
export async function runFmt(paths: string[], opts: { check: boolean; write: boolean }): Promise<number> {
  const { files, missing } = expand(paths);
  for (const m of missing) process.stderr.write(`${m}: no such file or directory\n`);
  let failedFiles = 0;
  let unformatted = 0;
  let changed = 0;
  const swept = new Set<string>();
  for (const f of files) {
    const read = readSpec(f);
    if (isRefusal(read)) {
      process.stderr.write(`${displayPath(f)}: error[${read.code}]: ${read.error}\n`);
      failedFiles++;
      continue;
    }
    const text = read.text;
    let out: string;
    try {
      out = await formatRec(text, { filepath: f });
    } catch (e) {
      process.stderr.write(`${displayPath(f)}: not formatted: ${(e as Error).message.split('\n')[0]}\n`);
      failedFiles++;
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
        // once per directory: the temporary files a killed `recc fmt` left beside its specs
        if (!swept.has(dirname(f))) {
          swept.add(dirname(f));
          removeStaleTemps(dirname(f));
        }
        writeFileAtomic(f, out);
        changed++;
      } catch (e) {
        process.stderr.write(`${displayPath(f)}: cannot write: ${(e as Error).message}\n`);
        failedFiles++;
      }
    }
  }
  const failed = failedFiles + missing.length;
  if (opts.check || opts.write) process.stderr.write(`${summary({ check: opts.check, files: files.length, failed, failedFiles, unformatted, changed })}\n`);
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
