// The columns a model reads from its data, each with what needs it and where the spec says so,
// checked once against a file's header: a missing column is one error at the header, naming the
// spec line that asks for it, the columns the file has, and the nearest of them.
import { relative } from 'node:path';
import type { Span } from '../diagnostics/span.js';
import { didYouMean, suggestNames } from '../diagnostics/suggest.js';
import type { IRGraph } from '../ir/types.js';
import type { Expr } from '../syntax/ast.js';
import { labelColumns } from './label-expr.js';
import type { DataError } from './row.js';

export interface NeededColumn {
  column: string;
  /** What reads it: "feature `user`", "the label of task `click`", … */
  by: string;
  /** The spec text that asks for it, when the IR keeps one. */
  site?: Span;
}

/** The first use of column `name` in a label expression. */
function nameSpan(e: Expr, name: string): Span | undefined {
  if (e.kind === 'Name') return e.name === name ? e.span : undefined;
  if (e.kind === 'Paren') return nameSpan(e.expr, name);
  if (e.kind === 'Unary') return nameSpan(e.operand, name);
  if (e.kind === 'Binary') return nameSpan(e.left, name) ?? nameSpan(e.right, name);
  return undefined;
}

/** Every column the model reads (first need of each), with `keyColumns` (split, metrics, groups). */
export function neededColumns(graph: Pick<IRGraph, 'features' | 'tasks' | 'supports' | 'inputs' | 'nodes' | 'meta'>, keyColumns: readonly string[]): NeededColumn[] {
  const out = new Map<string, NeededColumn>();
  const need = (n: NeededColumn) => out.has(n.column) || out.set(n.column, n);
  for (const f of graph.features) {
    if (f.kind === 'label') continue;
    const id = Object.hasOwn(graph.inputs, f.name) ? graph.inputs[f.name] : undefined;
    need({ column: f.column, by: `feature \`${f.name}\``, ...(id !== undefined && graph.nodes[id] ? { site: graph.nodes[id]!.span } : {}) });
  }
  for (const t of graph.tasks) for (const c of labelColumns(t.label)) need({ column: c, by: `the label of task \`${t.name}\``, ...siteOf(nameSpan(t.label, c)) });
  for (const s of graph.supports ?? []) {
    need({ column: s.key, by: `support set \`${s.name}\` (its key)` });
    for (const c of labelColumns(s.label)) need({ column: c, by: `the label of support set \`${s.name}\``, ...siteOf(nameSpan(s.label, c)) });
  }
  if (graph.meta) need({ column: graph.meta.key, by: `meta block \`${graph.meta.name}\` (its key: rows with the same value are one task)`, site: graph.meta.span });
  for (const k of keyColumns) need({ column: k, by: 'the train section (a split, metric or group key)' });
  return [...out.values()];
}

const siteOf = (span: Span | undefined) => (span ? { site: span } : {});

/** Columns a run needs besides features and labels: split keys, GAUC keys, the group column, the meta block's key. */
export function keyColumns(graph: Pick<IRGraph, 'train' | 'meta'>): string[] {
  const t = graph.train;
  const cols = new Set<string>();
  if (t.split.kind === 'by_key') cols.add(t.split.key);
  if (t.split.kind === 'chronological') cols.add(t.split.by);
  for (const m of t.metrics) if ('by' in m) cols.add(m.by);
  if (t.groupBy) cols.add(t.groupBy);
  if (graph.meta) cols.add(graph.meta.key);
  return [...cols];
}

/** `spec.rec:12:5`, relative to the working directory when below it. */
export function siteText(span: Span): string {
  const rel = relative(process.cwd(), span.file);
  return `${rel.startsWith('..') || rel === '' ? span.file : rel}:${span.start.line}:${span.start.column}`;
}

/** The columns a file has, for a message: all of them up to 30. */
function listColumns(columns: readonly string[]): string {
  const shown = columns.slice(0, 30).join(', ');
  return columns.length > 30 ? `${shown}, … (${columns.length} columns)` : shown || '(none)';
}

/** The message for a column the file lacks. `where`: "the header" or "the object". */
export function missingMessage(n: NeededColumn, columns: readonly string[], where: string): string {
  const alts = suggestNames(n.column, columns);
  const at = n.site ? ` (${siteText(n.site)})` : '';
  return `no column \`${n.column}\` for ${n.by}${at}; ${where} has ${listColumns(columns)}${alts.length ? `; ${didYouMean(alts)}` : ''}`;
}

/**
 * One error per needed column that a header (on `line`; 0: a format without one, Parquet) lacks.
 * `where` names what has the columns in the message.
 */
export function checkHeader(needed: readonly NeededColumn[], columns: readonly string[], file: string, line: number, where = line === 0 ? 'the file' : 'the header'): DataError[] {
  const have = new Set(columns);
  return needed.filter((n) => !have.has(n.column)).map((n) => ({ file, row: line, column: n.column, code: 'REC6001', message: missingMessage(n, columns, where) }));
}
