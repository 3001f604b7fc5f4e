// Shared by the commands that need a model: analyse the spec, print its diagnostics, and return
// the IR only when it is clean.
import { hasErrors } from '../diagnostics/diagnostic.js';
import type { IRGraph } from '../ir/types.js';
import { analyzeFile } from '../semantics/analyze.js';
import { printDiagnostics } from './output.js';

export function loadSpec(file: string): IRGraph | undefined {
  const a = analyzeFile(file);
  if (hasErrors(a.diagnostics) || !a.graph) {
    printDiagnostics(a.diagnostics, new Map([[a.file, a.modules[0]?.text ?? '']]));
    if (!a.graph && !hasErrors(a.diagnostics)) process.stderr.write(`${file}: no model to compile\n`);
    return undefined;
  }
  printDiagnostics(a.diagnostics, new Map([[a.file, a.modules[0]?.text ?? '']]));
  return a.graph;
}
