// Evaluate IR graphs in float64 through the PyTorch lowering (src/lower/torch/) with Debian's
// /usr/bin/python3 and torch: values of chosen nodes, and central finite differences of a scalar
// node with respect to parameters and inputs. Many graphs go in one process (torch loads slowly).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { IRGraph } from '../../src/ir/types.js';
import { emitTorchFunction } from '../../src/lower/torch/emit.js';
import { TORCH_PRELUDE } from '../../src/lower/torch/prelude.js';

export interface TorchValue {
  data: number[];
  shape: number[];
  /** int ids (int64 in torch) */
  ids?: boolean;
}

export interface TorchJob {
  graph: IRGraph;
  /** Nodes whose values come back, in order; with `fd`, the first is the scalar differentiated. */
  outputs: number[];
  params: Record<string, TorchValue>;
  inputs: Record<string, TorchValue>;
  fd?: { wrt: Array<['param' | 'input', string]>; h: number };
}

export interface TorchResult {
  outputs: number[][];
  fd?: number[][];
}

export function haveTorch(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

export function runTorch(jobs: TorchJob[]): TorchResult[] {
  const payload = {
    prelude: TORCH_PRELUDE,
    jobs: jobs.map((j) => ({ code: emitTorchFunction(j.graph, j.outputs), params: j.params, inputs: j.inputs, fd: j.fd })),
  };
  const r = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'torch_eval.py')], { input: JSON.stringify(payload), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`torch evaluation failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as TorchResult[];
}
