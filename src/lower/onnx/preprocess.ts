// Feature preprocessing inside the serving graph, so a serving system sends raw values. The rules
// are those of the data loader (src/data/preprocess.ts), bit for bit:
//   id/seq with a vocabulary: strings; LabelEncoder maps value v_i → i + 2, "" → 0 (padding),
//     anything else → 1 (out of vocabulary).
//   id/seq hashed: int64 ids already hashed by the client with hashBucket() (src/data/hash.ts):
//     ONNX has no string hash, so this one step stays outside the graph.
//   bucketize: float32 values; id = 1 + #{i : boundary_i <= x}.
//   dense: float32 [batch, n], as is.
import { SUPPORT_LABEL, SUPPORT_MASK, supportInput } from '../../ir/support-inputs.js';
import type { FeatureSpec, SupportSpec } from '../../ir/types.js';
import type { Tape } from './tape.js';

export interface GraphInput {
  name: string;
  elemType: 'float32' | 'int32' | 'int64' | 'string';
  dims: Array<number | 'batch'>;
}

/**
 * Declare the feature's graph input and return the name of its model-ready value. `lead` are the
 * dimensions before the feature's own: [batch] for a feature, [batch, size] for a support item.
 */
export function preprocessFeature(tape: Tape, f: Exclude<FeatureSpec, { kind: 'label' }>, inputs: GraphInput[], lead: GraphInput['dims'] = ['batch']): string {
  switch (f.kind) {
    case 'dense':
      inputs.push({ name: f.name, elemType: 'float32', dims: [...lead, f.size] });
      return f.name;
    case 'bucketize': {
      inputs.push({ name: f.name, elemType: 'float32', dims: lead });
      const last = tape.constInt64([-1], [1]);
      const x = tape.op('Unsqueeze', [f.name, last]);
      const ge = tape.op('Cast', [tape.op('GreaterOrEqual', [x, tape.constFloat(f.boundaries, [f.boundaries.length])])], { to: 7 });
      const count = tape.op('ReduceSum', [ge, last], { keepdims: 0 });
      return tape.op('Add', [count, tape.constInt64([1], [])]);
    }
    case 'id':
    case 'seq': {
      const dims: GraphInput['dims'] = f.kind === 'seq' ? [...lead, f.maxLen] : lead;
      if (f.source.kind === 'hash') {
        inputs.push({ name: f.name, elemType: 'int64', dims });
        return f.name;
      }
      inputs.push({ name: f.name, elemType: 'string', dims });
      // LabelEncoder rejects duplicate keys: a value listed twice keeps its first index (as in
      // idOf), and "" is always padding, even if a vocabulary file lists it.
      const index = new Map<string, number>([['', 0]]);
      f.source.values.forEach((v, i) => index.has(v) || index.set(v, i + 2));
      const keys = [...index.keys()];
      const values = [...index.values()];
      return tape.op('LabelEncoder', [f.name], { keys_strings: keys, values_int64s: { ints: values }, default_int64: { int: 1 } }, { domain: 'ai.onnx.ml' });
    }
  }
}

/**
 * A support set's graph inputs (see SupportSpec): each item as its feature would be sent, with a
 * [batch, size] lead (padding: "" for vocabularies, id 0 when hashed, any value for others), then
 * `<name>.label` and `<name>.mask` as float32 [batch, size]. Returns the model-ready value names.
 */
export function preprocessSupport(tape: Tape, s: SupportSpec, features: readonly FeatureSpec[], inputs: GraphInput[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of s.items) {
    const f = features.find((x) => x.name === item);
    if (!f || f.kind === 'label' || f.kind === 'seq') throw new Error(`internal: support item ${item} is not an id, bucketize or dense feature`);
    const name = supportInput(s.name, item);
    out[name] = preprocessFeature(tape, { ...f, name }, inputs, ['batch', s.size]);
  }
  for (const part of [SUPPORT_LABEL, SUPPORT_MASK]) {
    const name = supportInput(s.name, part);
    inputs.push({ name, elemType: 'float32', dims: ['batch', s.size] });
    out[name] = name;
  }
  return out;
}
