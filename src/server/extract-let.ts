// The "extract to `let`" refactoring: a selected expression becomes a `let` of its own, written
// just before the statement or model `let` that held it (above that one's doc comment), and the
// selection becomes the new name. What REC1009 advises for long expressions, done by the editor.
//
// Offered where a `let` may stand and see the same names: inside a model `let`'s value, and inside
// the statements of a block or a meta block (in a `for` body it goes into that body, where the
// loop variable is). Not in features, tasks, support sets or the train section, whose expressions
// are declarations, label expressions over data columns or settings, not values a `let` can hold.
// The expression must be exactly what is selected (spaces around it aside), and more than a name:
// a callee (`poso.mlp`) or a whole value is not offered, nor anything inside a `let` that a
// parameter selector names (below) or a selector with a `*` may select, for the `let` or for the
// new one. Nor in a file the parser stopped reading (REC1008, REC1009).
import { CodeActionKind, type CodeAction, type Position } from 'vscode-languageserver/node.js';
import type { Analysis } from '../semantics/analyze.js';
import type { Expr, LetStmt, MetaBlockDecl, ModelDecl, Stmt } from '../syntax/ast.js';
import { declarationStart } from '../syntax/doc-comments.js';
import { lineEnd, lineStart, nextLineStart } from '../syntax/line-index.js';
import { forEachChild } from '../syntax/visit.js';
import { globUnder, readingStopped } from './queries.js';

interface Site {
  expr: Expr;
  /** Where the statement or model item holding it starts: the new `let` goes on the line before. */
  hostStart: number;
}

/** The sub-expressions of `root` (not `root` itself, names and callees excluded) that span [start, end). */
function within(root: Expr, start: number, end: number, hostStart: number, out: Site[]): void {
  const visit = (e: Expr, isRoot: boolean, isCallee: boolean) => {
    if (e.span.start.offset > start || e.span.end.offset < end) return;
    if (!isRoot && !isCallee && e.kind !== 'Name' && e.span.start.offset === start && e.span.end.offset === end) out.push({ expr: e, hostStart });
    forEachChild(e, (c) => visit(c, false, e.kind === 'Call' && c === e.callee));
  };
  visit(root, true, false);
}

function inStatements(ss: Stmt[] | undefined, start: number, end: number, out: Site[]): void {
  for (const s of ss ?? []) {
    const at = s.span.start.offset;
    if (s.kind === 'Let' || s.kind === 'Assign' || s.kind === 'Return') within(s.value, start, end, at, out);
    else if (s.kind === 'If') {
      within(s.cond, start, end, at, out);
      inStatements(s.then, start, end, out);
      inStatements(s.else, start, end, out);
    } else {
      within(s.iterable, start, end, at, out);
      inStatements(s.body, start, end, out);
    }
  }
}

/** A name the file does not use anywhere (so the new `let` shadows nothing and is shadowed by nothing). */
function freshName(text: string): string {
  for (let k = 1; ; k++) {
    const name = k === 1 ? 'extracted' : `extracted${k}`;
    if (!new RegExp(`\\b${name}\\b`).test(text)) return name;
  }
}

/**
 * Whether a parameter selector (`freeze: [net]`, `train: net.*`, a graft's `into`, `groups`) names
 * the model `let` `item`. Its parameters are named after it, so a layer taken out of it into a new
 * `let` would leave the selection: the spec would still check, and train other parameters.
 */
function selected(a: Analysis, model: ModelDecl, item: LetStmt): boolean {
  const at = item.name.span.start.offset;
  const sections = model.items.filter((m) => m.kind === 'Stage' || m.kind === 'Train');
  return a.symbols.refs.some(
    (r) => r.def.span?.file === a.file && r.def.span.start.offset === at && sections.some((s) => s.span.start.offset <= r.span.start.offset && r.span.end.offset <= s.span.end.offset),
  );
}

/**
 * The action for the selection [start, end) of the document, if it selects an expression that can
 * be extracted; `position` is the document's.
 */
export function extractLet(a: Analysis, text: string, uri: string, start: number, end: number, position: (offset: number) => Position): CodeAction[] {
  // spaces around the selection do not count
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  // a selector after where the parser stopped may name the `let` (`freeze: [trunk]`)
  if (start === end || readingStopped(a)) return [];
  const sites: Site[] = [];
  for (const item of a.ast.items) {
    if (item.kind === 'Block') inStatements(item.body, start, end, sites);
    else if (item.kind === 'Model') {
      for (const m of item.items ?? []) {
        if (m.kind === 'Let' && !selected(a, item, m)) within(m.value, start, end, m.span.start.offset, sites);
        else if (m.kind === 'MetaBlock') inStatements(m.body, start, end, sites);
      }
    }
  }
  const site = sites[0];
  if (!site) return [];
  const name = freshName(text);
  // The model `let` or meta block it is taken from names its parameters, as the new `let` will:
  // a selector with a `*` over either name (`freeze: ["t*"]`) would select other parameters.
  const from = a.ast.items
    .flatMap((i) => (i.kind === 'Model' ? i.items : []))
    .find((m): m is LetStmt | MetaBlockDecl => (m.kind === 'Let' || m.kind === 'MetaBlock') && m.span.start.offset <= site.hostStart && site.hostStart < m.span.end.offset);
  if (from && globUnder(a, [from.name.name, name])) return [];
  // The new line goes above the host's doc comment, with the host's indentation; a host that
  // does not start its line (`{ let a = …` on one line) gets none.
  const insertAt = declarationStart(text, site.hostStart);
  if (insertAt === undefined) return [];
  const indent = text.slice(lineStart(text, site.hostStart), site.hostStart);
  const at = position(insertAt);
  const eol = text.slice(lineEnd(text, 0), nextLineStart(text, 0)) || '\n'; // the document's own line break
  return [
    {
      title: `Extract to \`let ${name}\``,
      kind: CodeActionKind.RefactorExtract,
      edit: {
        changes: {
          [uri]: [
            { range: { start: at, end: at }, newText: `${indent}let ${name} = ${text.slice(start, end)}${eol}` },
            { range: { start: position(start), end: position(end) }, newText: name },
          ],
        },
      },
    },
  ];
}
