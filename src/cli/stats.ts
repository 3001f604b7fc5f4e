// `recc stats FILE`: parameters and FLOPs per block instance and in total (POSO Table 1 style).
import { hasErrors } from '../diagnostics/diagnostic.js';
import { graphStats } from '../ir/stats.js';
import type { FilePolicy } from '../io/file-policy.js';
import { analyzeFile } from '../semantics/analyze.js';
import { printDiagnostics } from './output.js';
import { moduleTexts } from './spec.js';

function human(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(2)}K`;
  return String(n);
}

export function runStats(file: string, opts: { json: boolean; depth: number; files?: FilePolicy }): number {
  const a = analyzeFile(file, opts.files ? { files: opts.files } : {});
  if (hasErrors(a.diagnostics) || !a.graph) {
    printDiagnostics(a.diagnostics, moduleTexts(a));
    return 1;
  }
  const s = graphStats(a.graph);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    return 0;
  }
  // a call a stage's graft elaborated again is shown with its stage: `net (tune)`
  const rows = s.instances.filter((i) => i.depth <= opts.depth).map((i) => (i.stage === undefined ? i : { ...i, path: `${i.path} (${i.stage})` }));
  const w = Math.max(8, ...rows.map((r) => r.path.length + 2 * r.depth));
  const bw = Math.max(5, ...rows.map((r) => r.block.length));
  const line = (a: string, b: string, c: string, d: string) => `${a.padEnd(w)}  ${b.padEnd(bw)}  ${c.padStart(12)}  ${d.padStart(12)}`;
  const out = [`model ${a.graph.model}`, line('instance', 'block', 'params', 'FLOPs'), '-'.repeat(w + bw + 30)];
  for (const r of rows) out.push(line(`${'  '.repeat(r.depth)}${r.path}`, r.block, r.params.toLocaleString('en-US'), r.flops.toLocaleString('en-US')));
  out.push('-'.repeat(w + bw + 30));
  out.push(line('embeddings', '', s.embeddingParams.toLocaleString('en-US'), '0'));
  out.push(line('dense (non-embedding)', '', (s.totalParams - s.embeddingParams).toLocaleString('en-US'), ''));
  out.push(line('total', '', s.totalParams.toLocaleString('en-US'), s.totalFlops.toLocaleString('en-US')));
  out.push(`(${human(s.totalParams)} parameters, ${human(s.trainableParams)} trainable; ${human(s.totalFlops)} FLOPs per sample, embedding lookups not counted)`);
  if (s.stages.length > 1) {
    // a model with a meta block: how each stage steps (MAML's, or supervised on rows)
    const steps = a.graph.meta !== undefined;
    const step = (k: string) => (steps ? (k === 'maml' ? 'MAML' : k) : '');
    out.push('', line('stage', steps ? 'step' : '', 'trained', 'of'));
    for (const st of s.stages) out.push(`${line(st.stage, step(st.step), st.trainable.toLocaleString('en-US'), st.total.toLocaleString('en-US'))}  ${(100 * st.fraction).toFixed(2)} %`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
