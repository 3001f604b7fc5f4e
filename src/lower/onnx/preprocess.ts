// Feature preprocessing inside the serving graph, so a serving system sends raw values. The rules
// are those of the data loader (src/data/preprocess.ts), bit for bit:
//   id/seq with a vocabulary: strings; LabelEncoder maps value v_i → i + 2, "" → 0 (padding),
//     anything else → 1 (out of vocabulary).
//   id/seq hashed: int64 ids already hashed by the client with hashBucket() (src/data/hash.ts):
//     ONNX has no string hash, so this one step stays outside the graph.
//   bucketize: float32 values; id = 1 + #{i : boundary_i <= x}.
//   dense: float32 [batch, n], as is.
import type { FeatureSpec } from '../../ir/types.js';
import type { Tape } from './tape.js';

export interface GraphInput {
  name: string;
  elemType: 'float32' | 'int64' | 'string';
  dims: Array<number | 'batch'>;
}

/** Declare the feature's graph input and return the name of its model-ready value. */
export function preprocessFeature(tape: Tape, f: Exclude<FeatureSpec, { kind: 'label' }>, inputs: GraphInput[]): string {
  switch (f.kind) {
    case 'dense':
      inputs.push({ name: f.name, elemType: 'float32', dims: ['batch', f.size] });
      return f.name;
    case 'bucketize': {
      inputs.push({ name: f.name, elemType: 'float32', dims: ['batch'] });
      const x = tape.op('Unsqueeze', [f.name, tape.constInt64([1], [1])]);
      const ge = tape.op('Cast', [tape.op('GreaterOrEqual', [x, tape.constFloat(f.boundaries, [f.boundaries.length])])], { to: 7 });
      const count = tape.op('ReduceSum', [ge, tape.constInt64([1], [1])], { keepdims: 0 });
      return tape.op('Add', [count, tape.constInt64([1], [])]);
    }
    case 'id':
    case 'seq': {
      const dims: GraphInput['dims'] = f.kind === 'seq' ? ['batch', f.maxLen] : ['batch'];
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
