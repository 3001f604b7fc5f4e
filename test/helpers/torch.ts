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

/** Tensors laid out in one binary file (8-byte aligned), described by dtype, offset and shape. */
class Blob {
  private parts: Uint8Array[] = [];
  private offset = 0;
  place(v: TorchValue): { dtype: string; offset: number; shape: number[] } {
    const arr = v.ids ? BigInt64Array.from(Array.from(v.data, (x) => BigInt(x))) : v.data instanceof Float32Array ? v.data : Float64Array.from(v.data);
    const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
    const at = this.offset;
    this.parts.push(bytes);
    this.offset += bytes.byteLength + ((8 - (bytes.byteLength % 8)) % 8);
    if (this.offset > at + bytes.byteLength) this.parts.push(new Uint8Array(this.offset - at - bytes.byteLength));
    return { dtype: v.ids ? 'i64' : v.data instanceof Float32Array ? 'f32' : 'f64', offset: at, shape: v.shape };
  }
  placeAll(vs: Record<string, TorchValue>) {
    return Object.fromEntries(Object.entries(vs).map(([k, v]) => [k, this.place(v)]));
  }
  write(path: string): void {
    writeFileSync(path, Buffer.concat(this.parts));
  }
}

/** Run a Python script of test/helpers/ on a JSON payload that refers to a blob of tensors. */
function runPython<T>(script: string, build: (blob: Blob) => Record<string, unknown>): T {
  const dir = mkdtempSync(join(tmpdir(), 'recc-torch-'));
  try {
    const blob = new Blob();
    const payload = build(blob);
    const path = join(dir, 'tensors.bin');
    blob.write(path);
    const r = spawnSync('/usr/bin/python3', [join(import.meta.dirname, script)], { input: JSON.stringify({ ...payload, blob: path }), encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function runTorch(jobs: TorchJob[]): TorchResult[] {
  return runPython('torch_eval.py', (blob) => ({
    prelude: TORCH_PRELUDE,
    jobs: jobs.map((j) => ({ code: emitTorchFunction(j.graph, j.outputs), params: blob.placeAll(j.params), inputs: blob.placeAll(j.inputs), fd: j.fd, autograd: j.autograd })),
  }));
}

export interface PackageJob {
  /** A directory written by `recc export torch`. */
  dir: string;
  /** Weights to load (safetensors), read by the package's own weights.py. */
  weights: string;
  entry: string;
  inputs: Record<string, TorchValue>;
}

/** Each job's entry outputs (float32, flattened) from the exported package's Model. */
export function runTorchPackages(jobs: PackageJob[]): Array<Record<string, number[]>> {
  return runPython('torch_package.py', (blob) => ({ jobs: jobs.map((j) => ({ dir: j.dir, weights: j.weights, entry: j.entry, inputs: blob.placeAll(j.inputs) })) }));
}
