// The ONNX lowering: a self-contained serving graph. One input per feature with the dtype and
// shape a serving system sends (raw values; preprocessing inside, see preprocess.ts), one output
// per task named after it, trained weights as initializers named after the IR parameters, and
// the feature specs in metadata_props. IR version 8, opset 17 (+ ai.onnx.ml 2 for vocabularies).
import pkg from 'onnx-proto';
import type { IRGraph } from '../../ir/types.js';
import { supportInputNames } from '../../ir/support-inputs.js';
import { getOp } from '../../ops/registry.js';
import { preprocessFeature, preprocessSupport, type GraphInput } from './preprocess.js';
import { Tape } from './tape.js';

const { onnx } = pkg;
const ELEM = { float32: 1, int64: 7, string: 8 } as const;

export function valueInfo(name: string, elemType: keyof typeof ELEM, dims: Array<number | 'batch'>): pkg.onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: ELEM[elemType], shape: { dim: dims.map((d) => (d === 'batch' ? { dimParam: 'batch' } : { dimValue: d })) } } },
  };
}

export interface OnnxMeta {
  reccVersion: string;
  extra?: Record<string, string>;
}

/** Feature specs for metadata, without vocabularies longer than 1000 entries. */
function featureMeta(graph: IRGraph): string {
  return JSON.stringify(
    graph.features.map((f) => ('source' in f && f.source.kind === 'vocab' && f.source.values.length > 1000 ? { ...f, source: { kind: 'vocab', size: f.source.values.length, file: f.source.file } } : f)),
  );
}

/**
 * Names that would appear twice among the graph's inputs (features), outputs (tasks) and
 * initializers (parameters): ONNX requires every value name to be unique, and these names are the
 * serving contract, so they are never renamed silently. Empty when the graph can be lowered.
 */
export function onnxNameClashes(graph: IRGraph): string[] {
  const seen = new Map<string, string>();
  const clashes: string[] = [];
  const add = (name: string, what: string) => {
    const before = seen.get(name);
    if (before) clashes.push(`\`${name}\` is both ${before} and ${what}`);
    else seen.set(name, what);
  };
  for (const f of graph.features) if (f.kind !== 'label') add(f.name, `feature ${f.name}`);
  for (const s of graph.supports ?? []) for (const input of supportInputNames(s)) add(input, `an input of support set ${s.name}`);
  for (const t of graph.tasks) add(t.name, `task ${t.name}`);
  for (const p of graph.params) add(p.name, `parameter ${p.name}`);
  return clashes;
}

export function lowerToOnnx(graph: IRGraph, weights: Record<string, Float32Array>, meta: OnnxMeta): Uint8Array {
  const clashes = onnxNameClashes(graph);
  if (clashes.length > 0) throw new Error(`cannot lower ${graph.model} to ONNX: ${clashes.join('; ')}`);
  const tape = new Tape();
  const inputs: GraphInput[] = [];
  const featureValues: Record<string, string> = {};
  for (const f of graph.features) if (f.kind !== 'label') featureValues[f.name] = preprocessFeature(tape, f, inputs);
  for (const s of graph.supports ?? []) Object.assign(featureValues, preprocessSupport(tape, s, graph.features, inputs));
  for (const p of graph.params) {
    const w = weights[p.name];
    const n = p.shape.reduce((x, y) => x * y, 1);
    if (!w || w.length !== n) throw new Error(`weights for parameter ${p.name} [${p.shape.join(', ')}]: expected ${n} values, found ${w ? w.length : 'none'}`);
    tape.initializer(p.name, w, p.shape);
  }
  const ctx = { param: (name: string) => name, input: (feature: string) => featureValues[feature]! };
  const values: string[] = [];
  for (const n of graph.nodes) {
    const op = getOp(n.op);
    if (!op) throw new Error(`internal: no op ${n.op} (node ${n.id})`);
    values[n.id] = op.onnx(tape, n.inputs.map((i) => values[i]!), n.attrs, n, ctx);
  }
  const outputs: pkg.onnx.IValueInfoProto[] = [];
  for (const t of graph.tasks) {
    tape.nodes.push({ opType: 'Identity', name: `output_${t.name}`, input: [values[t.output]!], output: [t.name] });
    outputs.push(valueInfo(t.name, 'float32', ['batch', t.classes]));
  }
  const opsets = [{ domain: '', version: 17 }, ...(tape.domains.has('ai.onnx.ml') ? [{ domain: 'ai.onnx.ml', version: 2 }] : [])];
  const metadata: Record<string, string> = {
    'recc.version': meta.reccVersion,
    'recc.model': graph.model,
    'recc.features': featureMeta(graph),
    'recc.tasks': JSON.stringify(graph.tasks.map((t) => ({ name: t.name, kind: t.kind, classes: t.classes }))),
    ...(graph.supports ? { 'recc.supports': JSON.stringify(graph.supports.map(({ name, key, size, items }) => ({ name, key, size, items, rule: 'the most recent `size` earlier rows with the same key, oldest first; label and mask float32' }))) } : {}),
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
      input: inputs.map((i) => valueInfo(i.name, i.elemType, i.dims)),
      output: outputs,
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}
