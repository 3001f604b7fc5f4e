// An analysis made a stage at a time (changed → parsed → resolved → elaborated) is the analysis
// analyze() makes: at 'resolved' the one `resolveOnly` gives, at 'elaborated' the full one.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, StagedAnalysis } from '../../src/semantics/analyze.js';

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLES = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.rec'));

describe('a staged analysis', () => {
  for (const name of EXAMPLES) {
    it(`of ${name} goes through each stage in order and ends as analyze() does`, () => {
      const file = join(ROOT, 'examples', name);
      const text = readFileSync(file, 'utf8');
      const staged = new StagedAnalysis(text, file);
      expect(staged.stage).toBe('changed');
      expect(staged.next()).toBe('parsed');
      expect(staged.analysis).toBeUndefined();
      expect(staged.next()).toBe('resolved');
      const resolved = staged.analysis!;
      expect(resolved.model).toBeUndefined();
      expect(resolved.diagnostics).toEqual(analyze(text, file, { resolveOnly: true }).diagnostics);
      expect(staged.next()).toBe('elaborated');
      expect(staged.next()).toBe('elaborated');
      // elaboration completes the object the resolved stage gave (completion may hold it)
      expect(staged.analysis).toBe(resolved);
      const full = analyze(text, file);
      expect(resolved.diagnostics).toEqual(full.diagnostics);
      expect(resolved.graph).toEqual(full.graph);
    });
  }

  it('reports elaboration errors only once elaborated, and syntax errors from the resolved stage on', () => {
    const file = join(ROOT, 'examples', 'poso-movielens.rec');
    const text = readFileSync(file, 'utf8');
    // a width the op rejects is an elaboration error; a stray `)` a syntax error
    const shapeError = text.replace(/units: \[[^\]]*\]/, 'units: [0]');
    expect(shapeError).not.toBe(text);
    const s = new StagedAnalysis(shapeError, file);
    expect(s.runTo('resolved').diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const errors = s.runTo('elaborated').diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors).toEqual(analyze(shapeError, file).diagnostics.filter((d) => d.severity === 'error'));

    const broken = new StagedAnalysis(`${text})`, file);
    expect(broken.runTo('resolved').diagnostics.map((d) => d.code)).toContain('REC1002');
  });
});
