// Folding ranges: what an editor lets a user collapse. Each declaration, section and statement
// with a body that spans lines (a block, the model, `features { }`, a task with settings, a
// stage, a meta block, `for` and `if`), each call, list or record written over several lines, a
// run of `use` lines, a block comment and a run of line comments. A range whose last line starts
// with its closing bracket ends on the line before, so the bracket stays in sight.
import { FoldingRangeKind, type FoldingRange, type Position } from 'vscode-languageserver/node.js';
import type { Span } from '../diagnostics/span.js';
import type { ModelItem, SourceFile, Stmt } from '../syntax/ast.js';
import { lineStart } from '../syntax/line-index.js';
import { forEachExpr } from './ast-walk.js';

/** `position` is the document's (LSP lines: a lone `\r` ends one too). */
export function foldingRanges(file: SourceFile, text: string, position: (offset: number) => Position): FoldingRange[] {
  const out: FoldingRange[] = [];
  /** A range over `span` when it spans lines. */
  const fold = (span: Span, kind?: FoldingRangeKind) => {
    const start = position(span.start.offset).line;
    const at = position(span.end.offset);
    const last = text.slice(span.end.offset - at.character, span.end.offset).trimStart();
    const end = /^[}\])]/.test(last) ? at.line - 1 : at.line;
    if (end > start) out.push({ startLine: start, endLine: end, ...(kind ? { kind } : {}) });
  };

  const stmts = (ss: Stmt[] | undefined) => {
    for (const s of ss ?? []) {
      if (s.kind === 'For') {
        fold(s.span);
        stmts(s.body);
      } else if (s.kind === 'If') {
        fold(s.span);
        stmts(s.then);
        stmts(s.else);
      }
    }
  };
  const modelItem = (m: ModelItem) => {
    fold(m.span);
    if (m.kind === 'MetaBlock') stmts(m.body);
    if (m.kind === 'Stage') for (const t of m.tasks ?? []) fold(t.span);
  };

  let uses: Span[] = [];
  const endUses = () => {
    if (uses.length > 1) fold({ ...uses[0]!, end: uses.at(-1)!.end }, FoldingRangeKind.Imports);
    uses = [];
  };
  for (const item of file.items ?? []) {
    if (item.kind === 'Use') {
      uses.push(item.span);
      continue;
    }
    endUses();
    fold(item.span);
    if (item.kind === 'Block') stmts(item.body);
    else for (const m of item.items ?? []) modelItem(m);
  }
  endUses();
  forEachExpr(file, (e) => {
    if (e.kind === 'Call' || e.kind === 'List' || e.kind === 'Record') fold(e.span);
  });

  // Comments: a block comment over lines; line comments on consecutive lines, as one range.
  let run: Span[] = [];
  const endRun = () => {
    if (run.length > 1) fold({ ...run[0]!, end: run.at(-1)!.end }, FoldingRangeKind.Comment);
    run = [];
  };
  for (const c of file.comments ?? []) {
    if (c.text.startsWith('/*')) {
      endRun();
      fold(c.span, FoldingRangeKind.Comment);
      continue;
    }
    const prev = run.at(-1);
    const alone = onlyCommentOnLine(text, c.span);
    if (prev && (position(c.span.start.offset).line !== position(prev.start.offset).line + 1 || !alone)) endRun();
    if (alone) run.push(c.span);
  }
  endRun();

  // One range per first line (an editor folds from a line), the outermost.
  const byStart = new Map<number, FoldingRange>();
  for (const r of out) if ((byStart.get(r.startLine)?.endLine ?? -1) < r.endLine) byStart.set(r.startLine, r);
  return [...byStart.values()].sort((a, b) => a.startLine - b.startLine);
}

/** Whether the comment is alone on its line (a comment after code is part of that line). */
function onlyCommentOnLine(text: string, span: Span): boolean {
  return text.slice(lineStart(text, span.start.offset), span.start.offset).trim() === '';
}
