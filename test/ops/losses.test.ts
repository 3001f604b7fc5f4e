// The loss and objective ops against plain loops straight from their equations (float64), in
// TensorFlow.js on both backends and in onnxruntime; and the gradients the trainer relies on.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeFlops } from '../../src/ir/stats.js';
import { verify } from '../../src/ir/verify.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { OPS } from '../../src/ops/registry.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { hingePairs } from '../../src/train/hinge-pairs.js';
import { checkHandCases, type HandCase } from './hand-cases.js';
import { batched, opTfjs, weight, type Value } from './run-op.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * −y·log σ(z) − (1 − y)·log(1 − σ(z)): the definition, not the stable form the op computes;
 * 1 − σ(z) written σ(−z), which float64 holds for |z| ≤ 700.
 */
const bceByDefinition = (z: number, y: number) => -y * Math.log(sigmoid(z)) - (1 - y) * Math.log(sigmoid(-z));

/** −log(e^{z_y} / Σ_c e^{z_c}); a label outside 0..C−1 selects nothing and gives 0. */
function softmaxCeByLoop(z: number[], y: number): number {
  if (!(y >= 0 && y < z.length)) return 0;
  const total = z.reduce((s, v) => s + Math.exp(v), 0);
  return -Math.log(Math.exp(z[y]!) / total);
}

/** The logits of one position over {target} ∪ negatives, accidental hits left out, then CE. */
function sampledByLoop(h: number[], table: number[][], target: number, negatives: number[], bias?: number[]): number {
  const logit = (id: number) => h.reduce((s, v, k) => s + v * table[id]![k]!, 0) + (bias ? bias[id]! : 0);
  const logits = [logit(target), ...negatives.filter((n) => n !== target).map(logit)];
  const total = logits.reduce((s, v) => s + Math.exp(v), 0);
  return -Math.log(Math.exp(logits[0]!) / total);
}

/** The mean over pairs of max(0, 1 − (s_p − s_n)); 0 without pairs. */
function hingeByLoop(s: number[], pos: number[], neg: number[]): number {
  if (pos.length === 0) return 0;
  return pos.reduce((a, p, k) => a + Math.max(0, 1 - (s[p]! - s[neg[k]!]!)), 0) / pos.length;
}

const ints = (data: number[], shape: number[]): Value => batched(data, shape, 'int32');
/** A dynamic-length int vector (P pairs), written [batch] in the IR whatever its length. */
const pairs = (data: number[]): Value => ({ data, shape: [data.length], sym: ['batch'], dtype: 'int32' });

const Z = [-100, -2, -0.5, 0, 0.5, 3, 100];
const Y = [1, 0, 1, 1, 0, 0, 0];

// softmax_ce: 2 rows × 3 positions × 4 classes
const SZ = [
  [[1, 2, 3, 4], [0, 0, 0, 0], [5, -5, 2, 1]],
  [[-1, 0.5, 2, 0], [3, 3, -3, 1], [0.1, 0.2, 0.3, 0.4]],
];
const SY = [[3, 0, 1], [2, 1, 3]];

// sampled_softmax_ce: table [6, 2], positions [2, 3], negatives shared
const TABLE = [[0, 0], [1, 0], [0, 1], [1, 1], [-1, 2], [0.5, -0.5]];
const BIAS = [0, 0.1, -0.2, 0.3, 0, 0.5];
const H = [
  [[1, 2], [0.5, -1], [2, 0]],
  [[-1, 1], [0, 0.5], [1, 1]],
];
const TARGETS = [[1, 2, 3], [4, 5, 2]];
const NEGATIVES = [2, 5, 3];

const S = [0.3, -1.2, 2.5, 0.8, -0.1];
const HL = [1, 0, 1, 0, 0];
const { pos: HP, neg: HN } = hingePairs(HL);

const X = [[1, 2, 3], [4, 5, 6]];
const M = [[1, 1, 0], [0, 0, 0]];

const cases: HandCase[] = [
  {
    name: 'bce_logits: [batch, 1] logits against [batch] labels, extreme logits stay finite',
    op: 'bce_logits',
    ins: [batched(Z, [7, 1]), batched(Y, [7])],
    attrs: {},
    expected: Z.map((z, i) => bceByDefinition(z, Y[i]!)),
    shape: [7],
  },
  {
    name: 'bce_logits: one shape S, soft labels',
    op: 'bce_logits',
    ins: [batched([0.2, -1, 2, 0.7], [2, 2]), batched([0.25, 0.5, 1, 0], [2, 2])],
    attrs: {},
    expected: [bceByDefinition(0.2, 0.25), bceByDefinition(-1, 0.5), bceByDefinition(2, 1), bceByDefinition(0.7, 0)],
    shape: [2, 2],
  },
  {
    name: 'mse_loss: (p − y)² per sample',
    op: 'mse_loss',
    ins: [batched([1, -2, 0.5], [3, 1]), batched([0, 1, 0.5], [3])],
    attrs: {},
    expected: [1, 9, 0],
    shape: [3],
  },
  {
    name: 'softmax_ce: [batch, C] with float32 labels, one outside 0..C−1 gives 0',
    op: 'softmax_ce',
    ins: [batched(SZ[0]!.flat(), [3, 4]), batched([3, 0, 4], [3])],
    attrs: {},
    expected: [softmaxCeByLoop(SZ[0]![0]!, 3), softmaxCeByLoop(SZ[0]![1]!, 0), 0],
    shape: [3],
  },
  {
    name: 'softmax_ce: [batch, L, V] next item at every position, int32 labels',
    op: 'softmax_ce',
    ins: [batched(SZ.flat(2), [2, 3, 4]), ints(SY.flat(), [2, 3])],
    attrs: {},
    expected: SZ.flatMap((row, b) => row.map((z, t) => softmaxCeByLoop(z, SY[b]![t]!))),
    shape: [2, 3],
  },
  {
    name: 'sampled_softmax_ce: accidental hits masked out (targets 2, 5, 3 are also negatives)',
    op: 'sampled_softmax_ce',
    ins: [batched(H.flat(2), [2, 3, 2]), weight(TABLE.flat(), [6, 2]), ints(TARGETS.flat(), [2, 3]), { ...ints(NEGATIVES, [3]), sym: [3] }],
    attrs: {},
    expected: H.flatMap((row, b) => row.map((h, t) => sampledByLoop(h, TABLE, TARGETS[b]![t]!, NEGATIVES))),
    shape: [2, 3],
  },
  {
    name: 'sampled_softmax_ce: with the output bias',
    op: 'sampled_softmax_ce',
    ins: [batched(H.flat(2), [2, 3, 2]), weight(TABLE.flat(), [6, 2]), ints(TARGETS.flat(), [2, 3]), { ...ints(NEGATIVES, [3]), sym: [3] }, weight(BIAS, [6])],
    attrs: {},
    expected: H.flatMap((row, b) => row.map((h, t) => sampledByLoop(h, TABLE, TARGETS[b]![t]!, NEGATIVES, BIAS))),
  },
  {
    name: 'sampled_softmax_ce: every negative a hit leaves the target alone, loss 0',
    op: 'sampled_softmax_ce',
    ins: [batched([1, 2], [1, 2]), weight(TABLE.flat(), [6, 2]), ints([4], [1]), { ...ints([4, 4], [2]), sym: [2] }],
    attrs: {},
    expected: [0],
  },
  {
    name: 'hinge_pairs: the pairs hingePairs makes from labels [1, 0, 1, 0, 0]',
    op: 'hinge_pairs',
    ins: [batched(S, [5, 1]), pairs(HP), pairs(HN)],
    attrs: {},
    expected: [hingeByLoop(S, HP, HN)],
    shape: [],
  },
  {
    name: 'hinge_pairs: P = 0 (labels all 0) gives 0',
    op: 'hinge_pairs',
    ins: [batched(S, [5, 1]), pairs([]), pairs([])],
    attrs: {},
    expected: [0],
    shape: [],
  },
  {
    name: 'batch_mean: all elements, batch included',
    op: 'batch_mean',
    ins: [batched(X.flat(), [2, 3])],
    attrs: {},
    expected: [21 / 6],
    shape: [],
  },
  {
    name: 'masked_mean: Σ x·m / Σ m, an all-zero row counts nothing',
    op: 'masked_mean',
    ins: [batched(X.flat(), [2, 3]), batched(M.flat(), [2, 3])],
    attrs: {},
    expected: [(1 + 2) / 2],
    shape: [],
  },
  {
    name: 'masked_mean: no valid element gives 0',
    op: 'masked_mean',
    ins: [batched(X.flat(), [2, 3]), batched([0, 0, 0, 0, 0, 0], [2, 3])],
    attrs: {},
    expected: [0],
    shape: [],
  },
];

describe('loss ops against plain loops', () => {
  it('the references agree with values worked by hand', () => {
    expect(bceByDefinition(0, 1)).toBeCloseTo(Math.LN2, 12); // σ(0) = 1/2
    expect(softmaxCeByLoop([0, 0, 0, 0], 2)).toBeCloseTo(Math.log(4), 12);
    // target 1 at h = [1, 2]: logits 1 (item 1), and negatives 2 → 2, 5 → −0.5, 3 → 3
    expect(sampledByLoop([1, 2], TABLE, 1, NEGATIVES)).toBeCloseTo(Math.log(Math.E + Math.exp(2) + Math.exp(-0.5) + Math.exp(3)) - 1, 12);
    // pairs (0, 1), (0, 3), (0, 4), (2, 1), …: 1 − (0.3 + 1.2) → 0, 1 − (0.3 − 0.8) = 1.5, …
    expect(HP).toEqual([0, 0, 0, 2, 2, 2]);
    expect(hingeByLoop(S, HP, HN)).toBeCloseTo((0 + 1.5 + 0.6 + 0 + 0 + 0) / 6, 12);
  });

  checkHandCases(cases);
});

describe('loss gradients on TensorFlow.js', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    describe(backend, () => {
      beforeAll(async () => {
        await initBackend(backend);
      });

      it('hinge_pairs with P = 0: a zero gradient that reaches the scores', () => {
        const f = opTfjs('hinge_pairs', [batched(S, [5, 1]), pairs([]), pairs([])], {});
        const g = tf.tidy(() => tf.grad((s: tf.Tensor) => f([s, tf.tensor1d([], 'int32'), tf.tensor1d([], 'int32')]))(tf.tensor2d(S, [5, 1])).arraySync());
        expect(g).toEqual(S.map(() => [0]));
      });

      it('hinge_pairs: ∂/∂s is −1/P per active pair at its positive, +1/P at its negative', () => {
        const f = opTfjs('hinge_pairs', [batched(S, [5, 1]), pairs(HP), pairs(HN)], {});
        const g = tf.tidy(() => Array.from(tf.grad((s: tf.Tensor) => f([s, tf.tensor1d(HP, 'int32'), tf.tensor1d(HN, 'int32')]))(tf.tensor2d(S, [5, 1])).dataSync()));
        const want = S.map(() => 0);
        HP.forEach((p, k) => {
          if (1 - (S[p]! - S[HN[k]!]!) > 0) {
            want[p]! -= 1 / HP.length;
            want[HN[k]!]! += 1 / HP.length;
          }
        });
        g.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
      });

      // For L = Σ_rows softmax_ce(z, y), ∂L/∂z = p − onehot(y) with p = softmax(z), and its
      // directional derivative along v is p ⊙ v − p (p · v) per row. tf.logSoftmax would give 0
      // here: its gradient saves its output outside the tape.
      it('softmax_ce: the second derivative exists (Hessian-vector product by hand)', () => {
        const z = [[0.5, -1, 2], [0, 0.3, -0.2]];
        const y = [2, 0];
        const v = [[1, 0.5, -1], [0.2, -0.4, 1]];
        const f = opTfjs('softmax_ce', [batched(z.flat(), [2, 3]), ints(y, [2])], {});
        const got = tf.tidy(() => {
          const labels = tf.tensor1d(y, 'int32');
          const grad = tf.grad((x: tf.Tensor) => tf.sum(f([x, labels])));
          return Array.from(tf.grad((x: tf.Tensor) => tf.sum(tf.mul(grad(x), tf.tensor2d(v))))(tf.tensor2d(z)).dataSync());
        });
        const want = z.flatMap((row, r) => {
          const e = row.map(Math.exp);
          const p = e.map((x) => x / e.reduce((a, b) => a + b, 0));
          const pv = p.reduce((a, pi, i) => a + pi * v[r]![i]!, 0);
          return p.map((pi, i) => pi * v[r]![i]! - pi * pv);
        });
        got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));
      });
    });
  }
});

describe('objectives in a model graph', () => {
  // The lead wires these into entries; here: a graph holding scalar nodes and a dynamic-length
  // pair input passes verify() as it is, and the FLOP count takes them.
  it('an example model plus bce_logits → batch_mean and hinge_pairs verifies', () => {
    const g = analyzeFile(join(import.meta.dirname, '../../examples/shared-bottom.rec')).graph!;
    const span = g.nodes[0]!.span;
    const add = (op: string, inputs: number[], attrs: Record<string, string | number[]> = {}) => {
      const r = OPS[op]!.infer(inputs.map((i) => ({ shape: g.nodes[i]!.shape, dtype: g.nodes[i]!.dtype })), attrs);
      if ('error' in r) throw new Error(r.error);
      g.nodes.push({ id: g.nodes.length, op, inputs, attrs, dtype: r.dtype, shape: r.shape, span, trace: [], scope: '' });
      return g.nodes.length - 1;
    };
    const input = (feature: string, dtype: string, shape: number[]) => {
      const id = add('input', [], { feature, dtype, shape });
      g.inputs[feature] = id;
      return id;
    };
    const logit = g.tasks[0]!.logit;
    const label = input('favorite.label', 'float32', [-1]);
    const loss = add('batch_mean', [add('bce_logits', [logit, label])]);
    const hinge = add('hinge_pairs', [logit, input('favorite.pos', 'int32', [-1]), input('favorite.neg', 'int32', [-1])]);
    expect(g.nodes[loss]!.shape).toEqual([]);
    expect(g.nodes[hinge]!.shape).toEqual([]);
    expect(verify(g)).toEqual([]);
    expect(nodeFlops(g, g.nodes[loss]!)).toBe(1);
  });
});
