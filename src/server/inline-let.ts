// The "inline `let`" refactoring, extract's pair: a model `let` read exactly once has its value
// written where it is read, in parentheses when an operator there would bind it otherwise, and
// goes (with its doc comment). Only then is it the same model: a `let` read twice would have its
// layers built twice, with two sets of parameters. The one read must be in a later `let`'s value
// or a task's `from:` (a task without `from:` reads the last `let`: a read too); a `let` also
// named by a parameter selector (`freeze: [trunk]`, a graft) is not offered, since its parameters
// are named after it, nor one that a selector with a `*` may select, or the `let` or task reading
// it (`freeze: ["t*"]`). Nor is anything in a file the parser stopped reading (REC1008, REC1009):
// the uses after that are unknown.
import { CodeActionKind, type CodeAction, type Position } from 'vscode-languageserver/node.js';
import type { Analysis } from '../semantics/analyze.js';
import type { Expr, LetStmt } from '../syntax/ast.js';
import { declarationStart } from '../syntax/doc-comments.js';
import { lineEnd, nextLineStart } from '../syntax/line-index.js';
import { forEachChild } from '../syntax/visit.js';
import { globUnder, readingStopped, symbolAt } from './queries.js';

/** Expressions that bind tighter than any operator: they need no parentheses wherever they go. */
const ATOMIC = new Set<Expr['kind']>(['Number', 'String', 'Bool', 'Name', 'List', 'Record', 'Member', 'Index', 'Call', 'Paren']);

/** The `Name` expression at `offset` inside `root`, and whether an operator or a suffix holds it (then a compound value needs parentheses). */
function nameAt(root: Expr, offset: number): { name: Expr; tight: boolean } | undefined {
  let found: { name: Expr; tight: boolean } | undefined;
  const visit = (e: Expr, tight: boolean) => {
    if (found || e.span.start.offset > offset || e.span.end.offset < offset) return;
    if (e.kind === 'Name' && e.span.start.offset === offset) found = { name: e, tight };
    const holds = e.kind === 'Binary' || e.kind === 'Unary' || e.kind === 'Member' || e.kind === 'Index';
    forEachChild(e, (c) => visit(c, holds || (e.kind === 'Call' && c === e.callee)));
  };
  visit(root, false);
  return found;
}

/** The action for the cursor at `offset`, on a model `let`'s name or on its one use; `position` is the document's. */
export function inlineLet(a: Analysis, text: string, uri: string, offset: number, position: (offset: number) => Position): CodeAction[] {
  const hit = symbolAt(a, offset);
  // uses after where the parser stopped are in no index
  if (readingStopped(a) || hit?.def.kind !== 'let' || !hit.def.span || hit.def.span.file !== a.file) return [];
  const model = a.ast.items.find((i) => i.kind === 'Model');
  const declAt = hit.def.span.start.offset;
  const item = model?.items.find((m): m is LetStmt => m.kind === 'Let' && m.name.span.start.offset === declAt);
  if (!model || !item) return [];
  // a task without `from:` reads the last `let` too, where no name is written
  const uses = [...a.symbols.refs, ...a.symbols.implicitRefs].filter((r) => r.def === hit.def || (r.def.span?.file === a.file && r.def.span.start.offset === declAt));
  if (uses.length !== 1 || uses[0]!.span.file !== a.file) return [];
  const useAt = uses[0]!.span.start.offset;
  // read in a later `let`'s value or a task's `from:`, whose parameters the inlined layers join
  const readers = model.items.flatMap((m) =>
    m.kind === 'Let' ? [{ owner: m.name.name, value: m.value }] : m.kind === 'Task' ? (m.fields ?? []).filter((f) => f.name.name === 'from').map((f) => ({ owner: m.name.name, value: f.value })) : [],
  );
  const reader = readers.find((r) => nameAt(r.value, useAt));
  const site = reader && nameAt(reader.value, useAt);
  // a selector with a `*` over either name (`freeze: ["t*"]`) would select other parameters
  if (!reader || !site || globUnder(a, [hit.def.name, reader.owner])) return [];
  const value = text.slice(item.value.span.start.offset, item.value.span.end.offset);
  const replacement = site.tight && !ATOMIC.has(item.value.kind) ? `(${value})` : value;
  // The `let`'s lines go, from its doc comment to its line break; a `let` that shares a line
  // with something else is not offered.
  const from = declarationStart(text, item.span.start.offset);
  if (from === undefined || text.slice(item.span.end.offset, lineEnd(text, item.span.end.offset)).trim() !== '') return [];
  const to = nextLineStart(text, item.span.end.offset);
  return [
    {
      title: `Inline \`let ${hit.def.name}\``,
      kind: CodeActionKind.RefactorInline,
      edit: {
        changes: {
          [uri]: [
            { range: { start: position(from), end: position(to) }, newText: '' },
            { range: { start: position(site.name.span.start.offset), end: position(site.name.span.end.offset) }, newText: replacement },
          ],
        },
      },
    },
  ];
}
