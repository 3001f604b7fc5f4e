// One parameter group's optimizer (Adam, AdaGrad or SGD), applied as one loop per parameter
// (update-rules.ts) instead of tfjs's ~10 tensor ops per parameter, and sparsely to embedding
// tables (sparse-tables.ts).
//
// Sparse semantics, for a table whose batch touched the rows R (the distinct ids of the batch):
// - rows in R are updated with their gradient by the group's rule, exactly as a dense step would;
// - rows outside R, and their slots, are left as they are.
// For SGD and AdaGrad that is the dense update exactly (a zero gradient changes neither the
// accumulator nor the weight). For Adam it is "lazy Adam" (PyTorch's SparseAdam, TensorFlow's
// sparse apply / LazyAdam): a dense Adam step would also decay the untouched rows' moments and
// keep moving those rows by their momentum. The bias correction uses the group's step count t,
// which every step advances (not a per-row count), as in both of those.
//
// State: per parameter `m` and `v` (Adam) or `accumulator` (AdaGrad), float32 like the
// parameter, and the step count t. `slots()` / `load()` are what checkpoints save and restore.
//
// The padding row (row 0) of a feature table is a constant (src/ir/padding-rows.ts): every rule
// skips it, densely or sparsely, so it keeps its initial zero and its slots their initial values,
// whatever gradient the lookups of id 0 gave it (a missing single id reads it unmasked).
import type * as tfc from '@tensorflow/tfjs-core';
import type { NamedTensor } from '../io/safetensors.js';
import type { OptimizerSpec } from '../ir/types.js';
import { storageOf, valuesOf } from './tensor-memory.js';
import { adagradUpdate, adamUpdate, betaPowers, sgdUpdate, type AdamHyper, type BetaPowers } from './update-rules.js';

type TF = typeof tfc;

/** Slot names per optimizer kind, in the order checkpoints list them. */
export const SLOT_NAMES: Record<OptimizerSpec['kind'], string[]> = { adam: ['m', 'v'], adagrad: ['accumulator'], sgd: [] };

export interface ParamUpdate {
  /** The parameter's name: its slots are keyed by it. */
  name: string;
  variable: tfc.Variable;
  grad: tfc.Tensor;
  /** Sparse update: only these rows (each `width` values) of a rank-2 table. */
  rows?: Int32Array;
}

/** A parameter's update on plain arrays (a backend that keeps its weights in typed arrays: ort). */
export interface ArrayUpdate {
  name: string;
  /** The weights, updated in place. */
  w: Float32Array;
  g: Float32Array;
  shape: number[];
  rows?: Int32Array;
  /**
   * `g` holds only the rows' gradients, row k of `g` for table row rows[k] (a gradient computed on
   * the gathered rows, ort/host-lookups.ts); otherwise `g` is the whole table's. A padded table's
   * packed `rows` must leave out the padding row.
   */
  packed?: boolean;
}

export class FusedOptimizer {
  readonly spec: OptimizerSpec;
  /** Steps taken: Adam's t of the last step. */
  step = 0;
  private readonly hyper: AdamHyper;
  private readonly state = new Map<string, Float32Array[]>();
  /** The buffer each in-place-updated variable got from `own`, to notice when it changes. */
  private readonly owned = new WeakMap<tfc.Variable, object>();
  /** Tables whose row 0 is padding, never updated. */
  private readonly padded: ReadonlySet<string>;
  /** Per padded table updated densely: its rows but the padding row, 1..rows−1. */
  private readonly allButPadding = new Map<string, Int32Array>();

  constructor(spec: OptimizerSpec, paddedTables: ReadonlySet<string> = new Set()) {
    this.spec = spec;
    this.padded = paddedTables;
    // Defaults follow each method's paper and PyTorch (Adam ε = 1e-8), not tfjs (1e-7).
    this.hyper = { beta1: spec.beta1 ?? 0.9, beta2: spec.beta2 ?? 0.999, epsilon: spec.epsilon ?? 1e-8 };
  }

  private slotsFor(name: string, size: number): Float32Array[] {
    let s = this.state.get(name);
    if (!s) {
      const init = this.spec.kind === 'adagrad' ? (this.spec.initialAccumulator ?? 0.1) : 0;
      s = SLOT_NAMES[this.spec.kind].map(() => new Float32Array(size).fill(init));
      this.state.set(name, s);
    }
    return s;
  }

  /** One step at learning rate `lr` over the given parameters (each at most once). */
  apply(tf: TF, updates: ParamUpdate[], lr: number): void {
    this.step++;
    if (this.spec.kind === 'adam') this.powers = betaPowers(this.hyper, this.step, this.powers);
    for (const u of updates) this.applyOne(tf, u, lr);
  }

  /** One step at learning rate `lr` over parameters held as arrays, each updated in place. */
  applyArrays(updates: ArrayUpdate[], lr: number): void {
    this.step++;
    if (this.spec.kind === 'adam') this.powers = betaPowers(this.hyper, this.step, this.powers);
    for (const u of updates) this.rule(u.name, u.w, u.g, u.shape, lr, u.rows, u.packed ?? false);
  }

  /** The group's rule on one parameter's values (the padding row left out). */
  private rule(name: string, w: Float32Array, g: Float32Array, shape: readonly number[], lr: number, touched: Int32Array | undefined, packed = false): void {
    const slots = this.slotsFor(name, w.length);
    const width = shape[1] ?? 1;
    if (packed && (!touched || (this.padded.has(name) && touched.includes(0)))) throw new Error(`internal: a packed gradient of ${name} needs its rows, without the padding row`);
    const rows = this.padded.has(name) && !packed ? this.withoutPaddingRow(name, shape[0]!, touched) : touched;
    switch (this.spec.kind) {
      case 'adam':
        adamUpdate(w, g, slots[0]!, slots[1]!, lr, this.powers!, this.hyper, rows, width, packed);
        break;
      case 'adagrad':
        adagradUpdate(w, g, slots[0]!, lr, rows, width, packed);
        break;
      case 'sgd':
        sgdUpdate(w, g, lr, rows, width, packed);
        break;
    }
  }

  /** Adam's β1^t and β2^t of the current step, renewed from the previous step's. */
  private powers: BetaPowers | undefined;

  private applyOne(tf: TF, u: ParamUpdate, lr: number): void {
    const { variable: p, grad } = u;
    // Sparse tables change in place when the backend exposes their storage (nothing caches a
    // table: sparse-tables.ts admits lookup-only tables); everything else gets a new buffer.
    const inPlace = u.rows !== undefined && storageOf(tf, p) !== undefined;
    if (inPlace) this.own(tf, p);
    const w = inPlace ? storageOf(tf, p)! : Float32Array.from(valuesOf(tf, p));
    // Taken after every allocation above: on wasm a later allocation could detach the views.
    this.rule(u.name, w, valuesOf(tf, grad), p.shape, lr, u.rows);
    if (!inPlace) {
      const next = tf.tensor(w, p.shape, 'float32');
      p.assign(next);
      next.dispose();
    }
  }

  /** The rows to update in a padded table: the touched rows but 0, or every row but 0. */
  private withoutPaddingRow(name: string, count: number, touched: Int32Array | undefined): Int32Array {
    if (touched) return touched.includes(0) ? touched.filter((r) => r !== 0) : touched;
    let all = this.allButPadding.get(name);
    if (!all) {
      all = Int32Array.from({ length: Math.max(0, count - 1) }, (_, i) => i + 1);
      this.allButPadding.set(name, all);
    }
    return all;
  }

  /**
   * Give the variable a buffer no one else holds before writing into it: a variable made with
   * tf.variable(tensor) shares the tensor's buffer, and the cpu backend keeps the very array a
   * tensor was made from. Once per variable (again if something else assigned it since).
   */
  private own(tf: TF, p: tfc.Variable): void {
    if (this.owned.get(p) === p.dataId) return;
    const copy = tf.tensor(Float32Array.from(valuesOf(tf, p)), p.shape, 'float32');
    p.assign(copy);
    copy.dispose();
    this.owned.set(p, p.dataId);
  }

  /** The slots as named tensors, `<parameter>/<slot>` (e.g. `trunk.dense0.kernel/m`). */
  slots(shapes: Record<string, number[]>): Record<string, NamedTensor> {
    const out: Record<string, NamedTensor> = {};
    for (const [name, arrays] of this.state) {
      SLOT_NAMES[this.spec.kind].forEach((slot, i) => {
        out[`${name}/${slot}`] = { shape: shapes[name] ?? [arrays[i]!.length], data: arrays[i]! };
      });
    }
    return out;
  }

  /**
   * Restore slots saved by `slots()` and the step count; returns what does not fit (a slot of
   * unknown kind, a size other than the parameter's), empty when all was restored.
   */
  load(slots: Record<string, NamedTensor>, step: number, sizes: Record<string, number>): string[] {
    const problems: string[] = [];
    const names = SLOT_NAMES[this.spec.kind];
    const found = new Map<string, Float32Array[]>();
    for (const [key, t] of Object.entries(slots)) {
      const cut = key.lastIndexOf('/');
      const param = key.slice(0, cut);
      const i = names.indexOf(key.slice(cut + 1));
      if (cut < 0 || i < 0) {
        problems.push(`optimizer slot ${key} is not one of ${this.spec.kind}'s (${names.join(', ') || 'none'})`);
        continue;
      }
      if (sizes[param] === undefined || t.data.length !== sizes[param]) {
        problems.push(`optimizer slot ${key} has ${t.data.length} values, the parameter ${sizes[param] === undefined ? 'does not exist' : `has ${sizes[param]}`}`);
        continue;
      }
      const arrays = found.get(param) ?? names.map(() => undefined as unknown as Float32Array);
      arrays[i] = Float32Array.from(t.data);
      found.set(param, arrays);
    }
    for (const [param, arrays] of found) {
      if (arrays.some((a) => a === undefined)) problems.push(`optimizer slots of ${param} are incomplete`);
      else this.state.set(param, arrays);
    }
    this.step = step;
    return problems;
  }
}
