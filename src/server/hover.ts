// Hover: a block's signature and doc comment; a parameter's type, default and doc (at its
// declaration or at a named argument of a call); the shape of a feature, pc or let from the IR
// (`let trunk: tensor[batch, 128]`), and the data column a feature reads; at a block call the
// parameters and FLOPs of that instance, from graphStats; and at a key column of the train section
// (`group_by: region`, `by_key(user_id)`, `gauc(by: user)`), whether the data has it.
import type { Hover } from 'vscode-languageserver/node.js';
import { keyColumns } from '../data/needed-columns.js';
import type { Expr } from '../syntax/ast.js';
import { forEachChild } from '../syntax/visit.js';
import { graphStats } from '../ir/stats.js';
import type { Analysis } from '../semantics/analyze.js';
import { typeExprText } from '../semantics/types.js';
import { describe } from '../semantics/values.js';
import { contains, toRange } from './documents.js';
import { namedArgAt, symbolAt } from './queries.js';

const code = (s: string) => `\`\`\`rec\n${s}\n\`\`\``;

/** The instance cost line for a call at the offset, when the model elaborated. */
function instanceCost(a: Analysis, offset: number): string | undefined {
  const g = a.graph ?? a.partialGraph;
  if (!g) return undefined;
  // The innermost call site holding the cursor; the instances a stdlib block makes inside it
  // carry the same (user's) span, so among equal spans the shallowest is the one called here.
  const size = (i: (typeof g.instances)[number]) => i.span.end.offset - i.span.start.offset;
  const inst = g.instances.filter((i) => contains(i.span, a.file, offset)).sort((x, y) => size(x) - size(y) || x.depth - y.depth)[0];
  if (!inst) return undefined;
  const s = graphStats(g).instances.find((x) => x.path === inst.path);
  return s && `instance \`${s.path}\`: ${s.params.toLocaleString('en-US')} parameters, ${s.flops.toLocaleString('en-US')} FLOPs per sample`;
}

/** The data column a feature reads, and whether the model's data has it (when its columns are known). */
function columnLine(a: Analysis, feature: string): string | undefined {
  const spec = a.model?.graph.features.find((f) => f.name === feature);
  if (!spec) return undefined;
  return `reads column \`${spec.column}\`${inData(a, spec.column)}`;
}

/** Whether the data has `column`, in words: ` of d.csv`, `, which d.csv lacks`, or nothing when its columns are not known. */
function inData(a: Analysis, column: string): string {
  const data = a.model?.dataColumns;
  return !data ? '' : data.columns.includes(column) ? ` of ${data.name}` : `, which ${data.name} lacks`;
}

/** A key column named at the offset in the train section's settings (a name or a string), and where. */
function keyColumnAt(a: Analysis, offset: number): { column: string; expr: Expr } | undefined {
  const graph = a.model?.graph;
  const model = a.ast.items.find((i) => i.kind === 'Model');
  if (!graph || !model) return undefined;
  const keys = new Set(keyColumns(graph));
  let found: { column: string; expr: Expr } | undefined;
  const visit = (e: Expr): void => {
    if (found || !contains(e.span, a.file, offset)) return;
    const column = e.kind === 'Name' ? e.name : e.kind === 'String' ? e.value : undefined;
    if (column !== undefined && keys.has(column)) found = { column, expr: e };
    else forEachChild(e, visit);
  };
  for (const m of model.items) if (m.kind === 'Train') for (const f of m.fields ?? []) visit(f.value);
  return found;
}

export function hover(a: Analysis, offset: number): Hover | null {
  const arg = namedArgAt(a, offset);
  if (arg) {
    const { param, owner } = arg;
    const dflt = param.default ? ` = ${owner.text.slice(param.default.span.start.offset, param.default.span.end.offset)}` : '';
    const qualified = owner.isStd ? `${owner.name}.${arg.block.name.name}` : arg.block.name.name;
    const parts = [code(`${param.name.name}: ${typeExprText(param.type)}${dflt}`), `parameter of \`${qualified}\``];
    if (param.doc) parts.push(param.doc);
    return { contents: { kind: 'markdown', value: parts.join('\n\n') }, range: toRange(arg.at) };
  }
  const hit = symbolAt(a, offset);
  if (!hit) {
    const key = keyColumnAt(a, offset);
    if (!key) return null;
    const value = `data column \`${key.column}\`${inData(a, key.column)}: a key of the train section (a split, metric or group key)`;
    return { contents: { kind: 'markdown', value }, range: toRange(key.expr.span) };
  }
  const { def } = hit;
  const parts: string[] = [];
  const value = a.model?.scope.lookup(def.name);
  const sameBinding = !!value?.span && !!def.span && value.span.file === def.span.file && value.span.start.offset === def.span.start.offset;
  if ((def.kind === 'let' || def.kind === 'pc' || def.kind === 'feature') && value && sameBinding) {
    const v = value.value;
    const type = v.kind === 'feature' ? (v.tensor ? `tensor[${v.tensor.shape.join(', ')}]` : 'label column') : describe(v);
    parts.push(code(`${def.kind} ${def.name}: ${type}`));
  } else if (def.detail) parts.push(code(def.detail));
  else parts.push(`\`${def.name}\` (${def.kind})`);
  if (def.doc) parts.push(def.doc);
  if (def.kind === 'feature' && sameBinding) {
    const column = columnLine(a, def.name);
    if (column) parts.push(column);
  }
  if (def.kind === 'block') {
    const cost = instanceCost(a, offset);
    if (cost) parts.push(cost);
  }
  return { contents: { kind: 'markdown', value: parts.join('\n\n') }, range: toRange(hit.at) };
}
