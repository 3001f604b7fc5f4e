// LiMAML's meta block in the IR (paper 001, §4): the part of the model adapted per task by a few
// SGD steps (its parameters θ_meta, a group named after it), whose output, the meta embedding, the
// rest of the model (the global block, θ_global) reads. A task is the rows sharing a value of
// `key`, in data order (the data's order is its time order).
import type { Span } from '../diagnostics/span.js';

export type MamlOrder = 'first' | 'second';

export interface MetaSpec {
  /** The meta block's name: its parameter group, and the global block's input in global.onnx. */
  name: string;
  /** The column whose value names a task (a user, a user × type …). */
  key: string;
  /** The node of the meta embedding, [batch, d]. */
  embedding: number;
  /** θ_meta: the parameters the embedding reads, in declaration order. */
  params: string[];
  /** Inner loop (Alg. 2a lines 4–8): `steps` SGD steps of learning rate `lr` on a task's support rows. */
  steps: number;
  lr: number;
  /** `second`: the outer gradient differentiates through the inner gradients; `first` drops that term. */
  order: MamlOrder;
  /**
   * The fraction of a held-out task's rows (the first, in data order) it adapts on before its
   * other rows are scored: the evaluation of every stage, MAML's or not (`support_fraction`).
   */
  support: number;
  span: Span;
}

/** The serving entries of a model with a meta block: the meta block (adapt-and-embed) and the global block. */
export const META_ENTRY = 'meta';
export const GLOBAL_ENTRY = 'global';
