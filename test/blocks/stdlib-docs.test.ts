// Every stdlib block says where it comes from: for each stdlib/*.rec file (whatever files exist,
// so a new module is covered as soon as it lands), every block and every parameter has a `///`
// doc comment (the language server shows them); outside std.layers (the prelude of generic
// layers), every block's doc names its paper and an equation, section, table or algorithm of it,
// and every float or bool parameter (a constant of an equation or a paper's variant switch) names
// the equation, section or table it comes from.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BlockDecl } from '../../src/syntax/ast.js';
import { parse } from '../../src/syntax/parse.js';

const STDLIB = join(import.meta.dirname, '../../stdlib');
const PAPER = /\b(POSO|PEPNet|CMML|LiMAML|PeterRec|MMoE|PLE|CGC)\b|\bet al\./;
const WHERE = /(Eq\.|Eqs\.|§|Table|Alg\.|Algorithm|Fig\.)\s*\d/;
/** Generic layers, used by every paper: documented, but no paper of their own. */
const GENERIC = new Set(['layers.rec']);

const files = readdirSync(STDLIB).filter((f) => f.endsWith('.rec')).sort();

describe('stdlib doc comments', () => {
  it('finds the stdlib modules', () => {
    expect(files).toEqual(expect.arrayContaining(['layers.rec', 'multitask.rec', 'pepnet.rec', 'poso.rec']));
  });

  for (const file of files) {
    it(`${file}: every block and parameter is documented${GENERIC.has(file) ? '' : ', with its paper and equation'}`, () => {
      const { file: ast, diagnostics } = parse(readFileSync(join(STDLIB, file), 'utf8'), join(STDLIB, file));
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const blocks = ast.items.filter((i): i is BlockDecl => i.kind === 'Block');
      expect(blocks.length).toBeGreaterThan(0);
      const problems: string[] = [];
      for (const b of blocks) {
        const doc = b.doc?.trim() ?? '';
        if (!doc) problems.push(`block ${b.name.name}: no doc comment`);
        else if (!GENERIC.has(file)) {
          if (!PAPER.test(doc)) problems.push(`block ${b.name.name}: the doc names no paper`);
          if (!WHERE.test(doc)) problems.push(`block ${b.name.name}: the doc names no equation, section or table`);
        }
        for (const p of b.params) {
          const pd = p.doc?.trim() ?? '';
          if (!pd) problems.push(`${b.name.name}(${p.name.name}): no doc comment`);
          else if (!GENERIC.has(file) && (p.type?.name === 'float' || p.type?.name === 'bool') && !WHERE.test(pd)) {
            problems.push(`${b.name.name}(${p.name.name}): a ${p.type.name} parameter whose doc names no equation, section or table`);
          }
        }
      }
      expect(problems).toEqual([]);
    });
  }
});
