// Walking the AST for the editor's questions ("which call is this argument in?"): every
// expression of a file, outer before inner, through the items and statements that hold them (an
// expression's own children come from syntax/visit.ts).
import type { Expr, Field, ModelItem, SourceFile, Stmt, TaskDecl } from '../syntax/ast.js';
import { forEachChild } from '../syntax/visit.js';

type Visit = (e: Expr) => void;

function expr(e: Expr | undefined, visit: Visit): void {
  if (!e) return;
  visit(e);
  forEachChild(e, (c) => expr(c, visit));
}

function fields(fs: Field[] | undefined, visit: Visit): void {
  for (const f of fs ?? []) expr(f.value, visit);
}

function stmts(ss: Stmt[] | undefined, visit: Visit): void {
  for (const s of ss ?? []) {
    switch (s.kind) {
      case 'Let':
      case 'Assign':
        expr(s.value, visit);
        break;
      case 'For':
        expr(s.iterable, visit);
        stmts(s.body, visit);
        break;
      case 'If':
        expr(s.cond, visit);
        stmts(s.then, visit);
        stmts(s.else, visit);
        break;
      case 'Return':
        expr(s.value, visit);
        break;
    }
  }
}

function task(t: TaskDecl, visit: Visit): void {
  expr(t.head, visit);
  fields(t.fields, visit);
}

function modelItem(m: ModelItem, visit: Visit): void {
  switch (m.kind) {
    case 'Features':
      for (const f of m.features ?? []) expr(f.value, visit);
      break;
    case 'Pc':
    case 'Let':
    case 'Support':
      expr(m.value, visit);
      break;
    case 'Task':
      task(m, visit);
      break;
    case 'Train':
      fields(m.fields, visit);
      break;
    case 'MetaBlock':
      fields(m.inner, visit);
      stmts(m.body, visit);
      break;
    case 'Stage':
      fields(m.fields, visit);
      for (const t of m.tasks ?? []) task(t, visit);
      break;
  }
}

/** Call `visit` on every expression of the file, outer before inner. */
export function forEachExpr(file: SourceFile, visit: Visit): void {
  for (const item of file.items ?? []) {
    if (item.kind === 'Block') {
      for (const p of item.params ?? []) expr(p.default, visit);
      stmts(item.body, visit);
    } else if (item.kind === 'Model') {
      for (const m of item.items ?? []) modelItem(m, visit);
    }
  }
}
