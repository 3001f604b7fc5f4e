// A line ends at `\n`, `\r\n` or a lone `\r`, as LSP counts lines: a spec saved with any of them
// reads the same, with the same line and column in every diagnostic and span. A lone `\r` counted
// as a space put every editor range on the wrong line, and a `// comment` ran to the end of the file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { positionAt } from '../../src/diagnostics/span.js';
import { analyze } from '../../src/semantics/analyze.js';
import { parse } from '../../src/syntax/parse.js';
import { exampleSpecs } from '../spec-files.js';

const where = (ds: { code: string; span: { start: { line: number; column: number }; end: { line: number; column: number } } }[]) =>
  ds.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column}-${d.span.end.line}:${d.span.end.column}`);

describe('line ends', () => {
  it('read every example the same with \\n, \\r\\n and a lone \\r', () => {
    for (const file of exampleSpecs()) {
      const text = readFileSync(file, 'utf8');
      const lf = analyze(text, file);
      for (const eol of ['\r\n', '\r']) {
        const other = analyze(text.replace(/\n/g, eol), file);
        expect(where(other.diagnostics), `${file} ${JSON.stringify(eol)}`).toEqual(where(lf.diagnostics));
        expect(other.graph?.nodes.length, file).toBe(lf.graph?.nodes.length);
        // every declaration where it was, by line and column
        const items = (a: typeof lf) => a.ast.items.map((i) => `${i.kind} ${i.span.start.line}:${i.span.start.column}-${i.span.end.line}:${i.span.end.column}`);
        expect(items(other), file).toEqual(items(lf));
      }
    }
  });

  it('end a comment and a string at a lone \\r', () => {
    const text = 'model m { // a comment\r  let a = "open\r  let b = 1\r}\r';
    const r = parse(text, 'cr.rec');
    // the unclosed string is reported on line 2 and the parse goes on to `let b` on line 3
    expect(where(r.diagnostics)).toEqual(['REC1004 2:11-2:16']);
    expect(r.file.comments.map((c) => `${c.span.start.line}:${c.span.start.column}-${c.span.end.line}:${c.span.end.column}`)).toEqual(['1:11-1:23']);
  });

  it('count lines in spans made from offsets as the parser does', () => {
    const text = 'a\r\nb\rc\nd';
    expect(['a', 'b', 'c', 'd'].map((ch) => positionAt(text, text.indexOf(ch)))).toEqual([
      { offset: 0, line: 1, column: 1 },
      { offset: 3, line: 2, column: 1 },
      { offset: 5, line: 3, column: 1 },
      { offset: 7, line: 4, column: 1 },
    ]);
  });
});
