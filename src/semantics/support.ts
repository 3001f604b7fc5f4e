// `support history by scenario: pairs(user, item, label: clicked, size: 64)` (CMML §3.2): a
// task's interacted items with their labels, as a sequence the context encoders read.
//
// The name is bound to a masked sequence tensor [batch, size, d_1 + … + d_k + 1]: for each support
// item, its features embedded as in the model (id and bucketize through the feature's own table,
// dense as is) and its label, concatenated; padding positions are masked out of pooling and GRUs.
// The graph reads the set from the inputs `<name>.<item>`, `<name>.label` and `<name>.mask`.
import { didYouMean, fixWith, suggestNames } from '../diagnostics/suggest.js';
import type { Span } from '../diagnostics/span.js';
import { SUPPORT_LABEL, SUPPORT_MASK, supportInput } from '../ir/support-inputs.js';
import type { FeatureSpec, SupportSpec } from '../ir/types.js';
import type { Expr, SupportDecl } from '../syntax/ast.js';
import type { Elaborator, Frame } from './elaborate.js';
import { callOptions } from './options.js';
import { checkLabelExpr, overColumns } from './tasks.js';
import { type TensorValue, type Value } from './values.js';

type Item = Extract<FeatureSpec, { kind: 'id' | 'bucketize' | 'dense' }>;

/** Read `pairs(…)`; undefined (after reporting) when it is malformed. */
function readPairs(d: SupportDecl, el: Elaborator, f: Frame, features: FeatureSpec[]): { items: Item[]; label: Expr; size: number } | undefined {
  const e = d.value;
  if (e.kind !== 'Call' || e.callee.kind !== 'Name' || e.callee.name !== 'pairs') {
    el.report('REC5008', e.span, 'a support set is declared with `pairs(feature, …, label: …, size: N)`', f, { hint: 'e.g. `support history by scenario: pairs(user, item, label: clicked, size: 64)`' });
    return undefined;
  }
  const items: Item[] = [];
  let ok = true;
  for (const a of e.args) {
    if (a.name) continue;
    const spec = a.value.kind === 'Name' ? features.find((s) => s.name === (a.value as { name: string }).name) : undefined;
    if (a.value.kind !== 'Name' || !spec) {
      const alts = a.value.kind === 'Name' ? suggestNames(a.value.name, features.filter((s) => s.kind !== 'label').map((s) => s.name)) : [];
      el.report('REC5008', a.value.span, a.value.kind === 'Name' ? `unknown feature \`${a.value.name}\`` : 'a support item is a feature name', f, { hint: didYouMean(alts) ?? 'name features declared in `features { … }`', suggestions: fixWith(alts, a.value.span) });
      ok = false;
    } else if (spec.kind !== 'id' && spec.kind !== 'bucketize' && spec.kind !== 'dense') {
      el.report('REC5008', a.value.span, `\`${spec.name}\` is a ${spec.kind} feature; support items are id, bucketize or dense features`, f, { hint: spec.kind === 'label' ? 'the label goes in `label: …`' : undefined });
      ok = false;
    } else if (items.some((i) => i.name === spec.name)) {
      el.report('REC3004', a.value.span, `\`${spec.name}\` is listed twice`, f);
      ok = false;
    } else if (spec.name === SUPPORT_LABEL || spec.name === SUPPORT_MASK) {
      el.report('REC5008', a.value.span, `a support item cannot be named \`${spec.name}\`: the set's \`${d.name.name}.${spec.name}\` input has that name`, f, { hint: 'rename the feature' });
      ok = false;
    } else items.push(spec);
  }
  const named = e.args.filter((a) => a.name);
  const options = callOptions('pairs', named, [], ['label', 'size'], el, f);
  if (options.size < named.length) ok = false; // an unknown option, or one given twice
  const label = options.get('label');
  const sizeExpr = options.get('size');
  let size: number | undefined;
  if (sizeExpr) {
    const v = el.evalExpr(sizeExpr, f);
    if (v.kind === 'error') ok = false; // reported where it failed
    else if (v.kind !== 'int' || v.value <= 0) {
      el.report('REC3001', sizeExpr.span, '`size` must be a positive int', f);
      ok = false;
    } else size = v.value;
  }
  if (items.length === 0 && ok) {
    el.report('REC5008', e.span, 'a support item needs at least one feature', f, { hint: 'e.g. `pairs(user, item, label: clicked, size: 64)`' });
    ok = false;
  }
  if (!label) el.report('REC3002', e.span, 'a support set needs the label of its items: `label: …`', f);
  if (!sizeExpr) el.report('REC3002', e.span, 'a support set needs its padded length: `size: N`', f);
  if (!ok || !label || size === undefined) return undefined;
  const labels = features.filter((s) => s.kind === 'label');
  if (!checkLabelExpr(label, labels, el, f)) return undefined;
  return { items, label: overColumns(label, labels), size };
}

function tensor(node: { id: number; shape: TensorValue['shape']; dtype: TensorValue['dtype'] }): TensorValue {
  return { kind: 'tensor', node: node.id, shape: node.shape, dtype: node.dtype };
}

/** The support set's input and embedding nodes, and the masked pair sequence. */
function pairSequence(name: string, items: Item[], size: number, el: Elaborator, f: Frame, span: Span): Value {
  const b = el.builder;
  const site = el.site(span, f);
  const parts: TensorValue[] = [];
  for (const it of items) {
    const inputName = supportInput(name, it.name);
    if (it.kind === 'dense') {
      parts.push(tensor(b.input(inputName, 'float32', ['batch', size, it.size], site)));
      continue;
    }
    // The item's table was declared with its feature: support items share it.
    const table = b.paramNode(it.table);
    if (!table) return { kind: 'error' };
    const ids = b.input(inputName, 'int32', ['batch', size], site);
    const g = b.add('gather', [table.id, ids.id], {}, site);
    if ('error' in g) throw new Error(`internal: gather: ${g.error}`);
    parts.push(tensor(g.node));
  }
  const label = tensor(b.input(supportInput(name, SUPPORT_LABEL), 'float32', ['batch', size], site));
  const mask = b.input(supportInput(name, SUPPORT_MASK), 'float32', ['batch', size], site);
  const label3 = el.op('unsqueeze', [label], { axis: 2 }, span, f, null);
  if (label3.kind !== 'tensor') return label3;
  const seq = el.op('concat', [...parts, label3], { axis: -1 }, span, f, mask.id);
  return seq;
}

/** Elaborate one support declaration: its spec for the data loader and ONNX, and its value. */
export function declareSupport(d: SupportDecl, el: Elaborator, f: Frame, features: FeatureSpec[]): { spec?: SupportSpec; value: Value } {
  const pairs = readPairs(d, el, f, features);
  if (!pairs) return { value: { kind: 'error' } };
  const value = pairSequence(d.name.name, pairs.items, pairs.size, el, { ...f, path: d.name.name }, d.value.span);
  const spec: SupportSpec = { name: d.name.name, key: d.key.name, size: pairs.size, items: pairs.items.map((i) => i.name), label: pairs.label };
  return { spec, value };
}
