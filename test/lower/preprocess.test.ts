// In-graph preprocessing: an ONNX model fed RAW values (strings, client-hashed ids, numbers) must
// produce the ids the encoding rules give (src/data/preprocess.ts). The graph looks each id up in an
// "identity" table (row i = i), so the task outputs are the ids themselves, as floats.
import pkg from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { hashBucket } from '../../src/data/hash.js';
import { bucketOf, idOf } from '../../src/data/preprocess.js';
import type { FeatureSpec, IRGraph, IRNode, Init, ParamDecl, Shape, TaskSpec } from '../../src/ir/types.js';
import { lowerToOnnx, onnxNameClashes } from '../../src/lower/onnx/lower.js';
import { OPS } from '../../src/ops/registry.js';
import type { Expr } from '../../src/syntax/ast.js';
import { checkOnnx, haveOnnxChecker, ort, runOnnx } from '../helpers/onnx.js';

const { onnx } = pkg;
const SPAN = { file: 'hand.rec', start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } };

const CITY = ['paris', 'rome', 'oslo', 'rome', '']; // a duplicate and "" (both must not break LabelEncoder)
const TAGS = ['a', 'b', 'c'];
const BOUNDS = [18, 30, 50];
const features: FeatureSpec[] = [
  { kind: 'id', name: 'city', column: 'city', source: { kind: 'vocab', values: CITY }, dim: 1, table: 'city', rows: CITY.length + 2 },
  { kind: 'id', name: 'user', column: 'user', source: { kind: 'hash', buckets: 1000 }, dim: 1, table: 'user', rows: 1001 },
  { kind: 'seq', name: 'tags', column: 'tags', source: { kind: 'vocab', values: TAGS }, dim: 1, table: 'tags', rows: TAGS.length + 2, maxLen: 4, sep: '|' },
  { kind: 'bucketize', name: 'age', column: 'age', boundaries: BOUNDS, dim: 1, table: 'age', rows: BOUNDS.length + 2 },
  { kind: 'dense', name: 'ctx', column: 'ctx', size: 2 },
  { kind: 'label', name: 'y', column: 'y' },
];

/** A graph whose tasks output the model-ready ids of each feature (and the dense values). */
function idGraph(features: FeatureSpec[]): IRGraph {
  const nodes: IRNode[] = [];
  const params: ParamDecl[] = [];
  const tasks: TaskSpec[] = [];
  const inputs: Record<string, number> = {};
  const add = (op: string, ins: number[], attrs: IRNode['attrs']): number => {
    const r = OPS[op]!.infer(ins.map((i) => ({ shape: nodes[i]!.shape, dtype: nodes[i]!.dtype })), attrs);
    if ('error' in r) throw new Error(r.error);
    nodes.push({ id: nodes.length, op, inputs: ins, attrs, dtype: r.dtype, shape: r.shape as Shape, span: SPAN, trace: [], scope: '' });
    return nodes.length - 1;
  };
  const task = (name: string, node: number) => {
    const classes = nodes[node]!.shape[1] as number;
    tasks.push({ name: `${name}_ids`, kind: 'regression', classes, label: {} as Expr, loss: 'mse', weight: 1, output: node, logit: node });
  };
  for (const f of features) {
    if (f.kind === 'label') continue;
    if (f.kind === 'dense') {
      inputs[f.name] = add('input', [], { feature: f.name, dtype: 'float32', shape: [-1, f.size] });
      task(f.name, inputs[f.name]!);
      continue;
    }
    const shape = f.kind === 'seq' ? [-1, f.maxLen] : [-1];
    const ids = (inputs[f.name] = add('input', [], { feature: f.name, dtype: 'int32', shape }));
    const init: Init = { kind: 'zeros' };
    params.push({ name: `${f.table}.table`, shape: [f.rows, 1], init, group: 'embedding', trainable: true, span: SPAN });
    const emb = add('gather', [add('param', [], { name: `${f.table}.table`, shape: [f.rows, 1] }), ids], {});
    task(f.name, add('reshape', [emb], { shape: f.kind === 'seq' ? [-1, f.maxLen] : [-1, 1] }));
  }
  return {
    model: 'ids',
    file: 'hand.rec',
    features,
    inputs,
    nodes,
    params,
    tasks,
    train: { optimizer: { embedding: { kind: 'sgd', lr: 0.1 }, dense: { kind: 'sgd', lr: 0.1 } }, batch: 2, epochs: 1, split: { kind: 'random', test: 0.1 }, metrics: [], seed: 1 },
    pcs: [],
    instances: [],
  };
}

/** Identity tables: row i holds the number i. */
function identityWeights(g: IRGraph): Record<string, Float32Array> {
  return Object.fromEntries(g.params.map((p) => [p.name, Float32Array.from({ length: p.shape[0]! }, (_, i) => i)]));
}

// Raw rows as a serving system would send them.
const city = ['rome', 'oslo', 'lisbon', '', 'paris'];
const userRaw = ['alice', 'bob', '42', '', 'ünïcode'];
const user = userRaw.map((u) => (u === '' ? 0 : hashBucket(u, 1000)));
const tags = [['b', 'a'], ['c', 'zz', 'a', 'b'], [], ['a'], ['c', 'c', 'c']];
const age = [17.9, 18, 29.5, 50, 1e6];
const ctx = [0.5, -1, 2, 3, 0, 0, 1e-3, 7, -2, 4.25];

const expected = {
  // vocabulary: paris → 2, rome → 3 (its first index), oslo → 4; unknown → 1; "" → 0
  city: [3, 4, 1, 0, 2],
  // seq: items mapped like ids, right-padded with "" → 0
  tags: [3, 2, 0, 0, 4, 1, 2, 3, 0, 0, 0, 0, 2, 0, 0, 0, 4, 4, 4, 0],
  // 1 + #{b ≤ x} for b in [18, 30, 50]
  age: [1, 2, 2, 4, 4],
};

describe('ONNX preprocessing of raw feature values', () => {
  const g = idGraph(features);
  const bytes = lowerToOnnx(g, identityWeights(g), { reccVersion: 'test' });
  const n = city.length;
  const feeds = {
    city: new ort.Tensor('string', city, [n]),
    user: new ort.Tensor('int64', BigInt64Array.from(user.map(BigInt)), [n]),
    tags: new ort.Tensor('string', tags.flatMap((t) => Array.from({ length: 4 }, (_, k) => t[k] ?? '')), [n, 4]),
    age: new ort.Tensor('float32', Float32Array.from(age), [n]),
    ctx: new ort.Tensor('float32', Float32Array.from(ctx), [n, 2]),
  };

  it('gives the ids the rules say, by hand', async () => {
    const out = await runOnnx(bytes, feeds);
    expect(Array.from(out.city_ids!)).toEqual(expected.city);
    expect(Array.from(out.tags_ids!)).toEqual(expected.tags);
    expect(Array.from(out.age_ids!)).toEqual(expected.age);
    expect(Array.from(out.user_ids!)).toEqual(user);
    expect(Array.from(out.ctx_ids!)).toEqual(Array.from(Float32Array.from(ctx)));
  });

  it('agrees with the data loader (src/data/preprocess.ts)', async () => {
    const out = await runOnnx(bytes, feeds);
    const cityFeature = features[0] as Extract<FeatureSpec, { kind: 'id' }>;
    const userFeature = features[1] as Extract<FeatureSpec, { kind: 'id' }>;
    expect(Array.from(out.city_ids!)).toEqual(city.map((c) => idOf(c, cityFeature.source)));
    expect(Array.from(out.user_ids!)).toEqual(userRaw.map((u) => idOf(u, userFeature.source)));
    expect(Array.from(out.tags_ids!)).toEqual(tags.flatMap((t) => Array.from({ length: 4 }, (_, k) => idOf(t[k] ?? '', { kind: 'vocab', values: TAGS }))));
    expect(Array.from(out.age_ids!)).toEqual(age.map((x) => bucketOf(x, BOUNDS)));
  });

  // Found by a probe of the lowerings: the loader bucketed float64 values, the graph float32 ones,
  // so values within float32 rounding of a boundary (0.99999999 is 1 as a float32) and the
  // boundaries float32 rounds (16777217 is 16777216) trained in one bucket and served in another.
  it('buckets as the data loader does next to boundaries that float32 rounds', async () => {
    const edges = [0, 0.3, 1, 3, 16777217];
    const edgeGraph = idGraph([{ kind: 'bucketize', name: 'v', column: 'v', boundaries: edges, dim: 1, table: 'v', rows: edges.length + 2 }]);
    const raw = [0.29999999, 0.3, 0.30000001, 0.99999999, 1, 1.0000000001, 2.9999999, 16777216, 16777216.5, 16777217, 16777218, -1e-46, 0, -0];
    const out = await runOnnx(lowerToOnnx(edgeGraph, identityWeights(edgeGraph), { reccVersion: 'test' }), { v: new ort.Tensor('float32', Float32Array.from(raw), [raw.length]) });
    // by hand, as float32: 0.99999999 and 2.9999999 are 1 and 3; 16777216 up to 16777218 reach the last boundary; ±1e-46 is ±0
    const byHand = [2, 3, 3, 4, 4, 4, 5, 6, 6, 6, 6, 2, 2, 2];
    expect(Array.from(out.v_ids!)).toEqual(byHand);
    expect(raw.map((x) => bucketOf(x, edges))).toEqual(byHand);
  });

  it('declares raw-value inputs, shaped outputs, opsets and metadata', () => {
    const m = onnx.ModelProto.decode(bytes);
    expect(Number(m.irVersion)).toBe(8);
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17], ['ai.onnx.ml', 2]]);
    const elem = Object.fromEntries(m.graph!.input!.map((i) => [i.name, i.type!.tensorType!.elemType]));
    expect(elem).toEqual({ city: 8, user: 7, tags: 8, age: 1, ctx: 1 });
    const out = m.graph!.output!.find((o) => o.name === 'tags_ids')!;
    expect(out.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 4]);
    const meta = Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value]));
    expect(meta['recc.version']).toBe('test');
    expect(meta['recc.model']).toBe('ids');
    expect((JSON.parse(meta['recc.features']!) as FeatureSpec[]).map((f) => f.name)).toEqual(features.map((f) => f.name));
    expect(JSON.parse(meta['recc.tasks']!)[0]).toEqual({ name: 'city_ids', kind: 'regression', classes: 1 });
    expect(m.graph!.initializer!.filter((t) => !t.name!.startsWith('/')).map((t) => t.name).sort()).toEqual(g.params.map((p) => p.name).sort());
  });

  it.runIf(haveOnnxChecker())('passes the ONNX checker (full_check)', () => {
    expect(checkOnnx({ preprocess: bytes })).toEqual({});
  });

  it('refuses a task named like a feature instead of writing an invalid graph', () => {
    const clash = idGraph(features);
    clash.tasks[0]!.name = 'user';
    expect(onnxNameClashes(clash)).toEqual(['`user` is both feature user and task user']);
    expect(() => lowerToOnnx(clash, identityWeights(clash), { reccVersion: 'test' })).toThrow(/feature user and task user/);
  });

  it('keeps long vocabularies out of the metadata', () => {
    const big = idGraph(features);
    const values = Array.from({ length: 1200 }, (_, i) => `v${i}`);
    big.features = big.features.map((f) => (f.name === 'city' && f.kind === 'id' ? { ...f, source: { kind: 'vocab', values }, rows: 1202 } : f));
    big.params = big.params.map((p) => (p.name === 'city.table' ? { ...p, shape: [1202, 1] } : p));
    big.nodes = big.nodes.map((nd) => (nd.op === 'param' && nd.attrs.name === 'city.table' ? { ...nd, attrs: { ...nd.attrs, shape: [1202, 1] }, shape: [1202, 1] } : nd));
    const m = onnx.ModelProto.decode(lowerToOnnx(big, identityWeights(big), { reccVersion: 'test' }));
    const meta = JSON.parse(m.metadataProps.find((p) => p.key === 'recc.features')!.value!) as Array<{ name: string; source?: { values?: string[]; size?: number } }>;
    const c = meta.find((f) => f.name === 'city')!;
    expect(c.source?.values).toBeUndefined();
    expect(c.source?.size).toBe(1200);
  });
});
