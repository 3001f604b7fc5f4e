// Hover: a block's signature and doc comment; a parameter's doc; the type and shape of a
// feature, pc or let (from the IR); the parameters and FLOPs of a block instance at its call.
import type { Hover } from 'vscode-languageserver/node.js';
import { graphStats } from '../ir/stats.js';
import type { Analysis } from '../semantics/analyze.js';
import { describe } from '../semantics/values.js';
import { contains, toRange } from './documents.js';
import { symbolAt } from './queries.js';

export function hover(a: Analysis, offset: number): Hover | null {
  const hit = symbolAt(a, offset);
  if (!hit) return null;
  const { def } = hit;
  const parts: string[] = [];
  const value = a.model?.scope.lookup(def.name);
  if ((def.kind === 'let' || def.kind === 'pc' || def.kind === 'feature') && value && value.span === def.span) {
    parts.push(`\`\`\`rec\n${def.kind === 'feature' ? 'feature' : def.kind} ${def.name}: ${describe(value.value)}\n\`\`\``);
  } else if (def.detail) parts.push(`\`\`\`rec\n${def.detail}\n\`\`\``);
  else parts.push(`\`${def.name}\` (${def.kind})`);
  if (def.doc) parts.push(def.doc);
  const g = a.graph ?? a.partialGraph;
  if (g && def.kind === 'block') {
    const stats = graphStats(g);
    const inst = g.instances.find((i) => contains(i.span, a.file, offset));
    const s = inst && stats.instances.find((x) => x.path === inst.path);
    if (s) parts.push(`instance \`${s.path}\`: ${s.params.toLocaleString('en-US')} parameters, ${s.flops.toLocaleString('en-US')} FLOPs per sample`);
  }
  return { contents: { kind: 'markdown', value: parts.join('\n\n') }, range: hit.at ? toRange(hit.at) : undefined };
}
