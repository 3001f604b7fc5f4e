// Evaluate IR graphs in float64 through the PyTorch lowering (src/lower/torch/) with Debian's
// /usr/bin/python3 and torch: values of chosen nodes, and central finite differences of a scalar
// node with respect to parameters and inputs. Many graphs go in one process (torch loads slowly);
// tensors go in a binary file (a model's weights are millions of numbers).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IRGraph } from '../../src/ir/types.js';
import { emitTorchFunction } from '../../src/lower/torch/emit.js';
import { TORCH_PRELUDE } from '../../src/lower/torch/prelude.js';

export interface TorchValue {
  /** A Float32Array travels as float32, other numbers as float64; all are evaluated in float64. */
  data: ArrayLike<number>;
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
  /** Also PyTorch autograd's gradient of the first output with respect to every parameter, in the order of `params`. */
  autograd?: boolean;
}

export interface TorchResult {
  outputs: number[][];
  fd?: number[][];
  autograd?: number[][];
}

export function haveTorch(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

export function runTorch(jobs: TorchJob[]): TorchResult[] {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const place = (v: TorchValue) => {
    const arr = v.ids ? BigInt64Array.from(Array.from(v.data, (x) => BigInt(x))) : v.data instanceof Float32Array ? v.data : Float64Array.from(v.data);
    const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
    const at = offset;
    parts.push(bytes);
    offset += bytes.byteLength + ((8 - (bytes.byteLength % 8)) % 8);
    if (offset > at + bytes.byteLength) parts.push(new Uint8Array(offset - at - bytes.byteLength));
    return { dtype: v.ids ? 'i64' : v.data instanceof Float32Array ? 'f32' : 'f64', offset: at, shape: v.shape };
  };
  const placeAll = (vs: Record<string, TorchValue>) => Object.fromEntries(Object.entries(vs).map(([k, v]) => [k, place(v)]));
  const dir = mkdtempSync(join(tmpdir(), 'recc-torch-'));
  try {
    const described = jobs.map((j) => ({ code: emitTorchFunction(j.graph, j.outputs), params: placeAll(j.params), inputs: placeAll(j.inputs), fd: j.fd, autograd: j.autograd }));
    const blob = join(dir, 'tensors.bin');
    writeFileSync(blob, Buffer.concat(parts));
    const r = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'torch_eval.py')], { input: JSON.stringify({ prelude: TORCH_PRELUDE, blob, jobs: described }), encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`torch evaluation failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as TorchResult[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
