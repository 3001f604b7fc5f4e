// Evaluate IR graphs in float64 through the PyTorch lowering (src/lower/torch/) with Debian's
// /usr/bin/python3 and torch: values of chosen nodes, and central finite differences of a scalar
// node with respect to parameters and inputs. Many graphs go in one process (torch loads slowly);
// tensors go in a binary file (a model's weights are millions of numbers).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors } from '../../src/io/safetensors.js';
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

/**
 * Run a Python script of test/helpers/ on a JSON payload that refers to a blob of tensors, and
 * parse what it prints. `decode` reads the run's directory (for results written as binary files).
 * Asynchronous: a run can take tens of seconds, and a test worker blocked that long loses its
 * connection to vitest.
 */
async function runPython<T>(script: string, build: (blob: Blob, dir: string) => Record<string, unknown>, decode: (printed: unknown, dir: string) => T = (x) => x as T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'recc-torch-'));
  try {
    const blob = new Blob();
    const payload = build(blob, dir);
    const path = join(dir, 'tensors.bin');
    blob.write(path);
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn('/usr/bin/python3', [join(import.meta.dirname, script)], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(`${script} failed: ${Buffer.concat(err).toString('utf8')}`))));
      child.stdin.end(JSON.stringify({ ...payload, blob: path }));
    });
    return decode(JSON.parse(stdout), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** [offset, count] of float64s in the results file */
type Slice = [number, number];
interface Printed {
  outputs: Slice[];
  fd?: Slice[];
  autograd?: Slice[];
}

export function runTorch(jobs: TorchJob[]): Promise<TorchResult[]> {
  return runPython(
    'torch_eval.py',
    (blob, dir) => ({
      prelude: TORCH_PRELUDE,
      out: join(dir, 'results.bin'),
      jobs: jobs.map((j) => ({ code: emitTorchFunction(j.graph, j.outputs), params: blob.placeAll(j.params), inputs: blob.placeAll(j.inputs), fd: j.fd, autograd: j.autograd })),
    }),
    (printed, dir) => {
      const bytes = readFileSync(join(dir, 'results.bin'));
      const all = new Float64Array(new Uint8Array(bytes).buffer); // a copy: 8-byte aligned
      const read = (s: Slice[] | undefined) => s?.map(([at, n]) => Array.from(all.subarray(at, at + n)));
      return (printed as Printed[]).map((r) => ({ outputs: read(r.outputs)!, fd: read(r.fd), autograd: read(r.autograd) }));
    },
  );
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
export function runTorchPackages(jobs: PackageJob[]): Promise<Array<Record<string, number[]>>> {
  return runPython('torch_package.py', (blob) => ({ jobs: jobs.map((j) => ({ dir: j.dir, weights: j.weights, entry: j.entry, inputs: blob.placeAll(j.inputs) })) }));
}

/** Run an exported package's train.py (or another script) with /usr/bin/python3; its stdout, or an error with its stderr. */
export function runTrainPy(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn('/usr/bin/python3', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`train.py exited ${code}: ${err}`))));
  });
}

/** A TCP port free on 127.0.0.1 now (for torch.distributed's MASTER_PORT). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The tensors of a safetensors file (a decoding error throws). */
export function readTensors(file: string) {
  const r = decodeSafetensors(readFileSync(file));
  if ('error' in r) throw new Error(r.error);
  return r.tensors;
}
