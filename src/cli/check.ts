// `recc check PATH…`: diagnostics for each spec; `ok` and a summary line when clean. A directory
// stands for the `.rec` files under it, as for `recc fmt`.
import { statSync } from 'node:fs';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { summarize } from '../diagnostics/render.js';
import type { FilePolicy } from '../io/file-policy.js';
import { recFilesUnder } from '../io/rec-files.js';
import { analyzeFile } from '../semantics/analyze.js';
import { displayPath, jsonDiagnostics, printDiagnostics, writeStdout, type Format } from './output.js';
import { moduleTexts } from './spec.js';

/** Whether `path` is a directory (a path that cannot be stat'ed is not: checking it says why). */
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function runCheck(paths: string[], opts: { format: Format; files?: FilePolicy }): number {
  let failed = false;
  const files: string[] = [];
  for (const p of paths) {
    if (!isDirectory(p)) {
      files.push(p);
      continue;
    }
    const under = recFilesUnder(p);
    // a directory with nothing to check is a mistyped path more often than a clean one
    if (under.length === 0) {
      process.stderr.write(`${displayPath(p)}: no .rec files under this directory\n`);
      failed = true;
    }
    files.push(...under);
  }
  const json: Array<{ file: string; diagnostics: unknown[] }> = [];
  for (const file of files) {
    const a = analyzeFile(file, opts.files ? { files: opts.files } : {});
    failed ||= hasErrors(a.diagnostics);
    if (opts.format === 'json') {
      json.push({ file: displayPath(a.file), diagnostics: jsonDiagnostics(a.diagnostics) });
      continue;
    }
    printDiagnostics(a.diagnostics, moduleTexts(a));
    const g = a.graph;
    const detail = g ? `: model ${g.model}, ${g.features.length} features, ${g.tasks.length} task${g.tasks.length === 1 ? '' : 's'}, ${g.params.length} parameter tensors` : '';
    const status = hasErrors(a.diagnostics) ? 'failed' : 'ok';
    writeStdout(`${status} ${displayPath(a.file)}${detail} (${summarize(a.diagnostics)})\n`);
  }
  if (opts.format === 'json') writeStdout(`${JSON.stringify(json, null, 2)}\n`);
  return failed ? 1 : 0;
}
