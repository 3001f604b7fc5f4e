// The carets under a diagnostic's span sit under it as a terminal shows the line: a CJK character
// or an emoji takes two cells, a combining mark none, while columns count UTF-16 units (as LSP
// positions do). Before, the carets went by UTF-16 units and landed left of the span after wide
// characters.
import { describe, expect, it } from 'vitest';
import { diag } from '../../src/diagnostics/diagnostic.js';
import { renderDiagnostic } from '../../src/diagnostics/render.js';
import { spanOf } from '../../src/diagnostics/span.js';

/** The caret line under `line` for the span of `marked` (its last occurrence), as rendered. */
function carets(line: string, marked: string): string {
  const text = `${line}\n`;
  const at = line.lastIndexOf(marked);
  const d = diag('REC3001', spanOf('/s.rec', text, at, at + marked.length), 'message');
  return renderDiagnostic(d, { color: false, sources: () => text }).split('\n')[3]!.slice(4);
}

describe('carets', () => {
  it('go by terminal cells', () => {
    expect(carets('  a: id(hash: 0)', '0')).toBe(`${' '.repeat(14)}^`);
    // 用户 is two characters of two cells each: the 0 is 28 characters in, at cell 30
    expect(carets('  a: id(column: "用户", hash: 0)', '0')).toBe(`${' '.repeat(30)}^`);
    expect(carets('  a: id(column: "用户", hash: 0)', '"用户"')).toBe(`${' '.repeat(16)}^^^^^^`);
    // an emoji is two UTF-16 units and two cells; é written as e and a combining accent, one cell
    expect(carets('  "🙂" x', 'x')).toBe(`${' '.repeat(7)}^`);
    expect(carets('  "e\u0301" x', 'x')).toBe(`${' '.repeat(6)}^`);
  });
});
