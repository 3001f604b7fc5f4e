// Checkpoints: one safetensors file holding the weights, the optimizers' slots and the training
// state (in its metadata), written atomically, so weights and state can never disagree and a
// killed run never leaves a half-written file. `model.safetensors` holds the weights alone.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../io/safetensors.js';

export interface TrainState {
  /** Optimizer steps taken. */
  step: number;
  /** The epoch in progress, and how many of its batches are done. */
  epoch: number;
  batchInEpoch: number;
  seed: number;
  model: string;
  losses: Array<{ step: number; loss: number }>;
  history: Array<{ epoch: number; metrics: unknown }>;
  bestMetric?: number;
  badEpochs?: number;
}

export const CHECKPOINT = 'checkpoint.safetensors';

export function saveCheckpoint(dir: string, weights: Record<string, NamedTensor>, slots: Record<string, NamedTensor>, state: TrainState): void {
  const tensors: Record<string, NamedTensor> = { ...weights };
  for (const [k, v] of Object.entries(slots)) tensors[`optimizer/${k}`] = v;
  writeFileAtomic(join(dir, CHECKPOINT), encodeSafetensors(tensors, { 'recc.state': JSON.stringify(state) }));
}

export function saveWeights(path: string, weights: Record<string, NamedTensor>, meta: Record<string, string>): void {
  writeFileAtomic(path, encodeSafetensors(weights, meta));
}

export function loadCheckpoint(dir: string): { weights: Record<string, NamedTensor>; slots: Record<string, NamedTensor>; state: TrainState } | { error: string } | undefined {
  const path = join(dir, CHECKPOINT);
  if (!existsSync(path)) return undefined;
  const r = decodeSafetensors(readFileSync(path));
  if ('error' in r) return { error: `${path}: ${r.error}` };
  const raw = r.metadata['recc.state'];
  if (!raw) return { error: `${path}: no training state in the metadata` };
  const weights: Record<string, NamedTensor> = {};
  const slots: Record<string, NamedTensor> = {};
  for (const [k, v] of Object.entries(r.tensors)) {
    if (k.startsWith('optimizer/')) slots[k.slice('optimizer/'.length)] = v;
    else weights[k] = v;
  }
  return { weights, slots, state: JSON.parse(raw) as TrainState };
}
