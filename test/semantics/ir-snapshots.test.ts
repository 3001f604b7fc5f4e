// Snapshots of the IR of every example: a change in elaboration shows up as a readable diff of
// nodes (op, inputs, shape, instance) and parameters. Regenerate with `npx vitest run -u`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IRGraph } from '../../src/ir/types.js';
import { verify } from '../../src/ir/verify.js';
import { analyzeFile } from '../../src/semantics/analyze.js';

const ROOT = join(import.meta.dirname, '../..');

export function dumpIR(g: IRGraph): string {
  const lines = [`model ${g.model}`, '', 'params:'];
  for (const p of g.params) lines.push(`  ${p.name} [${p.shape.join(', ')}] ${p.group} ${p.init.kind}`);
  lines.push('', 'nodes:');
  for (const n of g.nodes) {
    const attrs = Object.entries(n.attrs)
      .filter(([k]) => k !== 'value' || (n.attrs.value as number[]).length <= 4)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ');
    lines.push(`  %${n.id} = ${n.op}(${n.inputs.map((i) => `%${i}`).join(', ')}) ${attrs} : ${n.dtype}[${n.shape.join(', ')}]${n.scope ? `  @${n.scope}` : ''}`);
  }
  lines.push('', 'tasks:');
  for (const t of g.tasks) lines.push(`  ${t.name} ${t.kind} loss=${t.loss} output=%${t.output} logit=%${t.logit}`);
  return `${lines.join('\n')}\n`;
}

describe('IR of the examples', () => {
  for (const f of readdirSync(join(ROOT, 'examples')).filter((x) => x.endsWith('.rec'))) {
    it(f, async () => {
      const a = analyzeFile(join(ROOT, 'examples', f));
      expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(verify(a.graph!)).toEqual([]);
      await expect(dumpIR(a.graph!)).toMatchFileSnapshot(join(ROOT, 'test/fixtures/ir', f.replace('.rec', '.ir.txt')));
    });
  }
});
