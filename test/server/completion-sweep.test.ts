// Completion while typing a name, in-process, over every example and spec fixture: each reference
// cut short (`dens` of `dense`, `movi` of `movie_id`) is offered back in full where it is typed.
import { readFileSync } from 'node:fs';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';
import { complete } from '../../src/server/completion.js';
import { exampleSpecs, ROOT } from '../spec-files.js';

const files = exampleSpecs();

describe('completion while typing a name', () => {
  it('offers the name being typed, wherever the examples use one', () => {
    const rng = seedrandom('typing');
    const missing: string[] = [];
    let tried = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const refs = analyze(text, file).symbols.refs.filter((r) => r.span.file === file && r.span.end.offset - r.span.start.offset >= 3);
      for (let k = 0; k < 30 && refs.length > 0; k++) {
        const r = refs[Math.floor(rng() * refs.length)]!;
        const name = text.slice(r.span.start.offset, r.span.end.offset);
        const typed = 1 + Math.floor(rng() * (name.length - 1));
        const cut = text.slice(0, r.span.start.offset + typed) + text.slice(r.span.end.offset);
        const labels = complete(analyze(cut, file), cut, r.span.start.offset + typed).map((i) => i.label);
        tried++;
        if (!labels.includes(name)) missing.push(`${file.slice(ROOT.length + 1)}:${r.span.start.line} \`${name.slice(0, typed)}\` of \`${name}\`: got ${labels.slice(0, 5).join(', ')}`);
      }
    }
    expect(missing.slice(0, 5)).toEqual([]);
    expect(tried).toBeGreaterThan(500);
  });

  it('offers, as the ids of a `seq`, the `id` features declared before it and `id(…)`', () => {
    const text = 'model m {\n  features {\n    movie_id: id(hash: 100, dim: 8)\n    year: bucketize(boundaries: [1990], dim: 2)\n    rated: seq(m, max_len: 5)\n    later: id(hash: 10, dim: 8)\n  }\n}\n';
    const at = text.indexOf('seq(m') + 5;
    const labels = complete(analyze(text, '/virtual/m.rec'), text, at).map((i) => i.label);
    expect(labels.filter((l) => !l.endsWith(':'))).toEqual(['movie_id', 'id']);
    // after the ids, the options
    const after = text.indexOf(', max_len') + 2;
    expect(complete(analyze(text, '/virtual/m.rec'), text, after).map((i) => i.label)).toEqual(['max_len:', 'sep:', 'column:']);
  });
});
