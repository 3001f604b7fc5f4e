// Shared by the commands that need a model: analyse the spec, print its diagnostics, and return
// the IR only when it is clean.
import { hasErrors } from '../diagnostics/diagnostic.js';
import { filePolicy, type FilePolicy } from '../io/file-policy.js';
import type { IRGraph } from '../ir/types.js';
import { analyzeFile, type Analysis } from '../semantics/analyze.js';
import { printDiagnostics } from './output.js';

/** The text of every module an analysis loaded, for rendering its diagnostics (nothing is read again). */
export const moduleTexts = (a: Analysis): Map<string, string> => new Map(a.modules.map((m) => [m.path, m.text]));

export function loadSpec(file: string, files: FilePolicy = filePolicy()): IRGraph | undefined {
  const a = analyzeFile(file, { files });
  printDiagnostics(a.diagnostics, moduleTexts(a));
  if (hasErrors(a.diagnostics) || !a.graph) {
    if (!a.graph && !hasErrors(a.diagnostics)) process.stderr.write(`${file}: no model to compile\n`);
    return undefined;
  }
  return a.graph;
}
