// `task next : next_item(items) { from: net }`: next-item prediction at every position of a
// sequence (NextItNet / PeterRec pretraining). With h [batch, L, C] the network's output on the
// sequence `items` (left-aligned, right-padded ids [batch, L]) and an output layer W [C, V], b [V]
// over the V rows of the items' table (the official code: ReLU on the hidden state, then an
// untied 1×1 convolution with a bias):
//   logits[t] = ReLU(h[t]) W + b,  loss = mean over positions t < L−1 whose next item exists of
//   softmax_ce(logits[t], items[t+1])   (full softmax; padding targets masked out),
// or with `next_item(items, negatives: N)` a sampled softmax: the target's logit against those of
// N items the trainer draws uniformly per batch (the input `<task>/negatives`; the paper samples
// 20 % of the items), accidental hits masked (ops/sampled-softmax-ce.ts).
// The task's output, what the pretrained entry serves, is the softmax of the logits at each
// sequence's last item: the scores of the item that comes next. Its objective is built here
// (the objectives pass keeps it); for evaluation it also gives, per row, the summed loss and the
// number of predicted positions, so the held-out loss is exactly the objective's mean.
import type { Span } from '../diagnostics/span.js';
import { didYouMean, fixWith, suggestNames } from '../diagnostics/suggest.js';
import type { FeatureSpec, TaskSpec } from '../ir/types.js';
import type { NumberLit, TaskDecl } from '../syntax/ast.js';
import type { Elaborator, Frame } from './elaborate.js';
import { negativesInput } from '../ir/task-inputs.js';
import { callOptions, onceEach, unset } from './options.js';
import { asTensor } from './types.js';
import { describe, type TensorValue, type Value } from './values.js';

const FIELDS = ['from', 'weight'];

/** The [batch, L] indicator of each row's last valid position, from a prefix mask m: m − m·shift(m). */
export function lastPosition(el: Elaborator, m: TensorValue, span: Span, f: Frame): TensorValue | undefined {
  const n = m.shape[1] as number;
  const op = (name: string, ins: TensorValue[], attrs = {}) => asTensor(el.op(name, ins, attrs, span, f, null));
  if (n === 1) return m;
  const tail = op('slice', [m], { start: 1, end: n, axis: 1 });
  const first = op('slice', [m], { start: 0, end: 1, axis: 1 });
  const zero = tail && first && op('mul', [first, scalar(el, 0, span, f)]);
  const next = tail && zero && op('concat', [tail, zero], { axis: 1 });
  return next && op('sub', [m, op('mul', [m, next])!]);
}

function scalar(el: Elaborator, value: number, span: Span, f: Frame): TensorValue {
  const r = el.builder.add('const', [], { value: [value], shape: [] }, el.site(span, f));
  if ('error' in r) throw new Error(`internal: const: ${r.error}`);
  return { kind: 'tensor', node: r.node.id, shape: r.node.shape, dtype: r.node.dtype };
}

export function elaborateNextItem(t: TaskDecl, el: Elaborator, f: Frame, features: FeatureSpec[], defaultFrom: { value: Value; span: Span } | undefined): TaskSpec | undefined {
  const name = t.name.name;
  const head = t.head;
  const seqs = features.filter((s) => s.kind === 'seq');
  const given = callOptions('next_item', head.kind === 'Call' ? head.args : [], ['label'], ['label', 'loss', 'negatives'], el, f, 'write `next_item(items)` with a `seq(…)` feature, or `next_item(items, negatives: N)` for a sampled softmax');
  let negatives: number | undefined;
  const negativesExpr = given.get('negatives');
  const negativesSpan = negativesExpr?.span ?? head.span;
  if (negativesExpr) {
    const nv = el.evalExpr(negativesExpr, f);
    if (nv.kind !== 'int' || nv.value < 1) {
      el.report('REC5020', negativesExpr.span, '`negatives` is the number of items sampled per batch for the sampled softmax, an int ≥ 1', f);
      return undefined;
    }
    negatives = nv.value;
  }
  const loss = given.get('loss');
  if (loss && (loss.kind !== 'Name' || loss.name !== 'softmax_ce')) {
    el.report('REC3008', loss.span, '`next_item` takes the loss `softmax_ce` (a full softmax over the items)', f, { hint: 'remove `loss:`; for a sampled softmax write `next_item(items, negatives: N)`' });
    return undefined;
  }
  const items = given.get('label');
  const seqSpan = items?.span ?? head.span;
  const seq = items?.kind === 'Name' ? seqs.find((s) => s.name === items.name) : undefined;
  if (items && !seq) {
    const alts = items.kind === 'Name' ? suggestNames(items.name, seqs.map((s) => s.name)) : [];
    el.report('REC5020', items.span, '`next_item` predicts the items of a sequence feature: name one', f, {
      hint: didYouMean(alts) ?? (seqs.length > 0 ? `the sequence features are ${seqs.map((s) => `\`${s.name}\``).join(', ')}` : 'declare one in `features`, e.g. `items: seq(id(hash: 10_000, dim: 64), max_len: 50)`'),
      suggestions: fixWith(alts, items.span),
    });
    return undefined;
  }
  if (!seq) {
    el.report('REC3002', head.span, `task \`${name}\` needs the sequence it predicts: \`next_item(items)\``, f);
    return undefined;
  }
  let from = defaultFrom;
  let weight = 1;
  for (const fl of onceEach(t.fields, `task \`${name}\``, el, f)) {
    if (!FIELDS.includes(fl.name.name)) {
      const alts = suggestNames(fl.name.name, unset(FIELDS, t.fields));
      el.report('REC3011', fl.name.span, `a next_item task has no field \`${fl.name.name}\``, f, { hint: didYouMean(alts) ?? `its fields are ${FIELDS.join(', ')}`, suggestions: fixWith(alts, fl.name.span, 'rename to') });
      continue;
    }
    const v = el.evalExpr(fl.value, { ...f, path: name });
    if (v.kind === 'error') return undefined;
    if (fl.name.name === 'from') from = { value: v, span: fl.value.span };
    else if ((v.kind !== 'int' && v.kind !== 'float') || v.value <= 0) el.report('REC3008', fl.value.span, '`weight` must be a positive number', f);
    else weight = v.value;
  }
  // The `let` it defaults to failed: that is reported where it failed, not again here.
  if (from?.value.kind === 'error') return undefined;
  const h = from && asTensor(from.value);
  const len = seq.kind === 'seq' ? seq.maxLen : 0;
  if (!from || !h || h.shape.length !== 3 || h.shape[1] !== len || h.mask === undefined || typeof h.shape[2] !== 'number') {
    el.report('REC3001', from?.span ?? t.name.span, `a next_item task reads the network's output over \`${seq.name}\`, a [batch, ${len}, C] sequence, found ${from ? describe(from.value) : 'nothing'}`, f, {
      hint: 'add `{ from: net }` with `let net = peterrec.nextitnet(items, …)`',
    });
    return undefined;
  }
  if (len < 2) {
    el.report('REC3008', seqSpan, `next_item needs sequences of at least 2 items, \`${seq.name}\` has max_len ${len}`, f);
    return undefined;
  }
  const ids = el.builder.inputs.find((n) => n.attrs.feature === seq!.name);
  if (!ids || seq.kind !== 'seq') throw new Error(`internal: no input for ${seq.name}`);
  const span = t.span;
  const tf: Frame = { ...f, path: `${name}.out`, counters: new Map() };
  const c = h.shape[2];
  const v = seq.rows;
  const op = (n: string, ins: TensorValue[], attrs = {}) => {
    if (ins.some((i) => i === undefined)) return undefined;
    return asTensor(el.op(n, ins, attrs, span, tf, null));
  };
  const w = asTensor(el.param('kernel', [c, v], { kind: 'glorot_uniform', fanIn: c, fanOut: v }, 'dense', true, span, tf));
  const b = asTensor(el.param('bias', [v], { kind: 'zeros' }, 'dense', true, span, tf));
  const m: TensorValue = { kind: 'tensor', node: h.mask, shape: [h.shape[0]!, len], dtype: 'float32' };
  const idv: TensorValue = { kind: 'tensor', node: ids.id, shape: ids.shape, dtype: ids.dtype };
  if (!w || !b) return undefined;
  const scores = (x: TensorValue) => op('add', [op('matmul', [op('relu', [x])!, w])!, b]);
  // every position but the last predicts the next item; positions whose next item is padding do not count
  const z = op('slice', [scores(h)!], { start: 0, end: len - 1, axis: 1 });
  const y = op('slice', [idv], { start: 1, end: len, axis: 1 });
  const valid = op('slice', [m], { start: 1, end: len, axis: 1 });
  const per = op('softmax_ce', [z!, y!]);
  let objective: TensorValue | undefined;
  let extra: Record<string, number> = {};
  if (negatives === undefined) objective = op('masked_mean', [per!, valid!]);
  else {
    // sampled softmax: the target against N items the trainer draws per batch (src/train/task-tensors.ts)
    if (negatives >= v - 1) {
      el.report('REC5020', negativesSpan, `${negatives} negatives of the ${v - 1} items of \`${seq.name}\`: a sampled softmax draws fewer than all`, f, { hint: 'leave `negatives` out for the full softmax' });
      return undefined;
    }
    const neg = el.builder.add('input', [], { feature: negativesInput(name), dtype: 'int32', shape: [negatives] }, el.site(span, tf));
    if ('error' in neg) throw new Error(`internal: ${neg.error}`);
    const hidden = op('relu', [op('slice', [h], { start: 0, end: len - 1, axis: 1 })!]);
    const table = op('transpose', [w], { perm: [1, 0] });
    const negv: TensorValue = { kind: 'tensor', node: neg.node.id, shape: [negatives], dtype: 'int32' };
    objective = op('masked_mean', [op('sampled_softmax_ce', [hidden!, table!, y!, negv, b])!, valid!]);
    extra = { [negativesInput(name)]: neg.node.id };
  }
  const perRow = op('stack', [op('reduce', [op('mul', [per!, valid!])!], { mode: 'sum', axis: 1, keepdims: false })!, op('reduce', [valid!], { mode: 'sum', axis: 1, keepdims: false })!], { axis: 1 });
  const last = lastPosition(el, m, span, tf);
  const user = last && op('reduce', [op('mul', [h, op('unsqueeze', [last], { axis: 2 })!])!], { mode: 'sum', axis: 1, keepdims: false });
  const logit = user && scores(user);
  const out = logit && op('softmax', [logit], { axis: -1 });
  if (!objective || !perRow || !logit || !out) return undefined;
  const zero: NumberLit = { kind: 'Number', value: 0, raw: '0', isInt: true, span };
  return {
    name, kind: 'next_item', classes: v, label: zero, loss: 'softmax_ce', weight, output: out.node, logit: logit.node, objective: objective.node, evaluation: perRow.node,
    ...(negatives !== undefined ? { negatives, inputs: extra } : {}),
  };
}
