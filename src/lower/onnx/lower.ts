// The ONNX lowering of one entry of a program (by default `serve`): a self-contained graph. One
// input per feature the entry reads, with the dtype and shape a serving system sends (raw values;
// preprocessing inside, see preprocess.ts), and one per other entry input (an inner node after a
// cut) as the IR computes it; one output per entry output, named after it (a task's prediction
// for `serve`); trained weights as initializers named after the IR parameters; the feature specs
// in metadata_props. Only the nodes the entry's outputs reach are emitted. IR version 8, opset 17
// (+ ai.onnx.ml 2 for vocabularies).
import pkg from 'onnx-proto';
import { entryNodes, getEntry, SERVE, type Entry } from '../../ir/entry.js';
import { zeroPaddedTables } from '../../ir/padding-rows.js';
import { foldLookups } from '../../ir/passes/fold-lookups.js';
import { leanPooling } from '../../ir/passes/lean-pooling.js';
import type { FeatureSpec, IRGraph } from '../../ir/types.js';
import { supportInputNames } from '../../ir/support-inputs.js';
import { getOp } from '../../ops/registry.js';
import { preprocessFeature, preprocessSupport, type GraphInput } from './preprocess.js';
import { Tape } from './tape.js';

const { onnx } = pkg;
const ELEM = { float32: 1, int32: 6, int64: 7, string: 8 } as const;

/**
 * A graph input's or output's type. The dynamic axis is the symbol `batch`, or with `batch: null`
 * an unnamed dimension, which claims no equality with any other input's.
 */
export function valueInfo(name: string, elemType: keyof typeof ELEM, dims: ReadonlyArray<number | 'batch'>, batch: string | null = 'batch'): pkg.onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: ELEM[elemType], shape: { dim: dims.map((d) => (d !== 'batch' ? { dimValue: d } : batch === null ? {} : { dimParam: batch })) } } },
  };
}

export interface OnnxMeta {
  reccVersion: string;
  extra?: Record<string, string>;
}

/** Feature specs for metadata, without vocabularies longer than 1000 entries. */
/**
 * `recc.features`: the features this graph takes (a client encodes rows into exactly its inputs),
 * in the spec's order, with the labels; then each other input that is a vector per row (LiMAML's
 * global.onnx reads the meta embedding so) as a `dense(d)` feature of its own name, the column
 * `recc meta-embed` writes. Inputs that are neither (meta.onnx's support.mask and support labels)
 * are described by the model's own metadata (recc.meta_adapt). An entry's features are those it
 * is given (a LiMAML graph's global entry takes no support rows, its meta entry no item features).
 */
function featureMeta(graph: IRGraph, parts: EntryParts): string {
  const taken = new Set(parts.features.map((f) => f.name));
  const vectors = parts.others.flatMap(([k, id]): FeatureSpec[] => {
    const n = graph.nodes[id]!;
    return n.dtype === 'float32' && n.shape.length === 2 && n.shape[0] === 'batch' && typeof n.shape[1] === 'number' ? [{ kind: 'dense', name: k, column: k, size: n.shape[1] }] : [];
  });
  return JSON.stringify(
    [...graph.features.filter((f) => f.kind === 'label' || taken.has(f.name)), ...vectors].map((f) =>
      'source' in f && f.source.kind === 'vocab' && f.source.values.length > 1000 ? { ...f, source: { kind: 'vocab', size: f.source.values.length, file: f.source.file } } : f,
    ),
  );
}

/** What an entry reads and writes: its features, support sets, other inputs, parameters and nodes. */
interface EntryParts {
  entry: Entry;
  nodes: number[];
  features: Array<Exclude<IRGraph['features'][number], { kind: 'label' }>>;
  supports: NonNullable<IRGraph['supports']>;
  /** Entry inputs that are not feature or support inputs (inner nodes after a cut), by name. */
  others: Array<[string, number]>;
  params: IRGraph['params'];
}

function entryParts(graph: IRGraph, name: string): EntryParts {
  const entry = getEntry(graph, name);
  if (!entry) throw new Error(`${graph.model} has no entry \`${name}\` (it has ${Object.keys(graph.entries ?? { [SERVE]: 0 }).join(', ')})`);
  const nodes = entryNodes(graph, entry);
  const given = (input: string) => Object.hasOwn(entry.inputs, input) && entry.inputs[input] === graph.inputs[input];
  const features = graph.features.flatMap((f) => (f.kind !== 'label' && given(f.name) ? [f] : []));
  const supports = (graph.supports ?? []).filter((s) => supportInputNames(s).every(given));
  const covered = new Set([...features.map((f) => f.name), ...supports.flatMap(supportInputNames)]);
  // Feature inputs are the serving contract, read or not; other inputs (labels, a cut) only when read.
  const reached = new Set(nodes);
  const others = Object.entries(entry.inputs).filter(([k, id]) => !covered.has(k) && reached.has(id));
  const used = new Set(nodes.flatMap((id) => (graph.nodes[id]!.op === 'param' ? [String(graph.nodes[id]!.attrs.name)] : [])));
  return { entry, nodes, features, supports, others, params: graph.params.filter((p) => used.has(p.name)) };
}

/**
 * Names that would appear twice among the entry's inputs (features), outputs (tasks) and
 * initializers (parameters): ONNX requires every value name to be unique, and these names are the
 * serving contract, so they are never renamed silently. Empty when the entry can be lowered.
 */
export function onnxNameClashes(graph: IRGraph, entryName = SERVE): string[] {
  const parts = entryParts(graph, entryName);
  const seen = new Map<string, string>();
  const clashes: string[] = [];
  const add = (name: string, what: string) => {
    const before = seen.get(name);
    if (before) clashes.push(`\`${name}\` is both ${before} and ${what}`);
    else seen.set(name, what);
  };
  for (const f of parts.features) add(f.name, `feature ${f.name}`);
  for (const s of parts.supports) for (const input of supportInputNames(s)) add(input, `an input of support set ${s.name}`);
  for (const [k] of parts.others) add(k, `input ${k}`);
  for (const k of Object.keys(parts.entry.outputs)) add(k, graph.tasks.some((t) => t.name === k) ? `task ${k}` : `output ${k}`);
  for (const p of parts.params) add(p.name, `parameter ${p.name}`);
  return clashes;
}

/**
 * Lower the entry `entryName` (default `serve`) of a graph with the given weights. `batchDim`:
 * the symbolic name of each graph input's batch dimension (default `batch` for all), for an entry
 * whose inputs come in different counts of rows (LiMAML's meta.onnx).
 */
export function lowerToOnnx(graph: IRGraph, weights: Record<string, Float32Array>, meta: OnnxMeta, entryName = SERVE, batchDim: (input: string) => string = () => 'batch'): Uint8Array {
  const clashes = onnxNameClashes(graph, entryName);
  if (clashes.length > 0) throw new Error(`cannot lower ${graph.model} to ONNX: ${clashes.join('; ')}`);
  // sum and mean pooling without masks over tables whose padding row is zero (the same outputs)
  graph = leanPooling(graph, zeroPaddedTables(graph, weights));
  // row-wise functions of small tables' rows (POSO's gates) computed once per row, at load
  graph = foldLookups(graph, new Set(Object.values(getEntry(graph, entryName)?.inputs ?? {})));
  const parts = entryParts(graph, entryName);
  const tape = new Tape();
  const inputs: GraphInput[] = [];
  const featureValues: Record<string, string> = Object.create(null); // feature names are the user's
  for (const f of parts.features) featureValues[f.name] = preprocessFeature(tape, f, inputs);
  for (const s of parts.supports) Object.assign(featureValues, preprocessSupport(tape, s, graph.features, inputs));
  const values: string[] = [];
  for (const [k, id] of parts.others) {
    const n = graph.nodes[id]!;
    inputs.push({ name: k, elemType: n.dtype, dims: n.shape });
    values[id] = k;
  }
  for (const p of parts.params) {
    const w = weights[p.name];
    const n = p.shape.reduce((x, y) => x * y, 1);
    if (!w || w.length !== n) throw new Error(`weights for parameter ${p.name} [${p.shape.join(', ')}]: expected ${n} values, found ${w ? w.length : 'none'}`);
    tape.initializer(p.name, w, p.shape);
  }
  const ctx = { param: (name: string) => name, input: (feature: string) => featureValues[feature]! };
  for (const id of parts.nodes) {
    if (values[id] !== undefined) continue; // an entry input
    const n = graph.nodes[id]!;
    const op = getOp(n.op);
    if (!op) throw new Error(`internal: no op ${n.op} (node ${n.id})`);
    values[n.id] = op.onnx(tape, n.inputs.map((i) => values[i]!), n.attrs, n, ctx);
  }
  const outputs: pkg.onnx.IValueInfoProto[] = [];
  for (const [k, id] of Object.entries(parts.entry.outputs)) {
    tape.nodes.push({ opType: 'Identity', name: `output_${k}`, input: [values[id]!], output: [k] });
    outputs.push(valueInfo(k, graph.nodes[id]!.dtype, graph.nodes[id]!.shape));
  }
  const tasks = graph.tasks.filter((t) => parts.entry.outputs[t.name] === t.output);
  const opsets = [{ domain: '', version: 17 }, ...(tape.domains.has('ai.onnx.ml') ? [{ domain: 'ai.onnx.ml', version: 2 }] : [])];
  const metadata: Record<string, string> = {
    'recc.version': meta.reccVersion,
    'recc.model': graph.model,
    'recc.features': featureMeta(graph, parts),
    'recc.tasks': JSON.stringify(tasks.map((t) => ({ name: t.name, kind: t.kind, classes: t.classes }))),
    ...(entryName !== SERVE ? { 'recc.entry': entryName } : {}),
    // a support label is its expression's syntax tree without source positions (clients evaluate it)
    ...(parts.supports.length > 0 ? { 'recc.supports': JSON.stringify(parts.supports.map(({ name, key, size, items, label }) => ({ name, key, size, items, label, rule: 'the most recent `size` earlier rows with the same key, oldest first; label and mask float32' })), (k, v: unknown) => (k === 'span' || k === 'raw' ? undefined : v)) } : {}),
    'recc.hash': 'hashed ids: 1 + (FNV-1a-32(UTF-8 bytes) mod buckets); see hashBucket() in the recc package',
    ...(meta.extra ?? {}),
  };
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'recc',
    producerVersion: meta.reccVersion,
    opsetImport: opsets,
    graph: {
      name: graph.model,
      node: tape.nodes,
      initializer: tape.initializers,
      input: inputs.map((i) => valueInfo(i.name, i.elemType, i.dims, batchDim(i.name))),
      output: outputs,
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}
