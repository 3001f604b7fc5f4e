// Safetensors files read from disk a tensor at a time and written as parts (src/io/safetensors-file.ts,
// safetensorsParts). The reference is decodeSafetensors / encodeSafetensors on whole buffers, for
// good files and malformed ones; and at the scale that broke: a checkpoint of more than 2 GiB (a
// 1.3 GB model with Adam's slots) failed to write with ERR_OUT_OF_RANGE, losing the run, and one
// could not have been read back (readFileSync stops at 2 GiB).
import { closeSync, fstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWeightsFile } from '../../src/cli/weights.js';
import { writeFileAtomic } from '../../src/io/atomic-write.js';
import { decodeSafetensors, encodeSafetensors, safetensorsParts } from '../../src/io/safetensors.js';
import { readSafetensorsFile } from '../../src/io/safetensors-file.js';
import { CHECKPOINT, loadCheckpoint, saveCheckpoint, type TrainState } from '../../src/train/checkpoint.js';

const work = mkdtempSync(join(tmpdir(), 'recc-st-file-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A file of `dtype` tensors built by hand from the format (8-byte length, JSON header, data). */
function handBuilt(entries: Array<[string, string, number[], number[]]>, pad = ''): Uint8Array {
  const sizes: Record<string, number> = { F32: 4, F64: 8, F16: 2, I32: 4, I64: 8 };
  let at = 0;
  const header: Record<string, unknown> = { __metadata__: { by: 'hand' } };
  for (const [name, dtype, shape] of entries) {
    const n = shape.reduce((a, b) => a * b, 1) * sizes[dtype]!;
    header[name] = { dtype, shape, data_offsets: [at, at + n] };
    at += n;
  }
  const head = new TextEncoder().encode(JSON.stringify(header) + pad);
  const out = new Uint8Array(8 + head.length + at);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let o = 8 + head.length;
  for (const [, dtype, , values] of entries) {
    for (const x of values) {
      if (dtype === 'F32') v.setFloat32(o, x, true);
      else if (dtype === 'F64') v.setFloat64(o, x, true);
      else if (dtype === 'F16') v.setUint16(o, x, true); // raw half bits
      else if (dtype === 'I32') v.setInt32(o, x, true);
      else v.setBigInt64(o, BigInt(x), true);
      o += sizes[dtype]!;
    }
  }
  return out;
}

/** `bytes` with `from` replaced in its header by `to`, of the same length. */
function patched(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const text = Buffer.from(bytes).toString('latin1');
  expect(to.length).toBe(from.length);
  expect(text.includes(from)).toBe(true);
  return new Uint8Array(Buffer.from(text.replace(from, to), 'latin1'));
}

function fromFile(bytes: Uint8Array, keep?: (name: string) => boolean) {
  const f = join(work, 'x.safetensors');
  writeFileSync(f, bytes);
  const fd = openSync(f, 'r');
  try {
    return readSafetensorsFile(fd, fstatSync(fd).size, keep);
  } finally {
    closeSync(fd);
  }
}

describe('safetensors read from a file, a tensor at a time', () => {
  const good = encodeSafetensors({ 'a.kernel': { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-30, -0]) }, b: { shape: [1], data: Float32Array.from([Infinity]) }, empty: { shape: [0, 4], data: new Float32Array(0) } }, { step: '3' });
  const files: Array<[string, Uint8Array]> = [
    ['written by recc', good],
    ['every dtype, a padded header', handBuilt([['h', 'F16', [2], [0x3c00, 0xc000]], ['i', 'I32', [2], [-7, 9]], ['l', 'I64', [1], [123456789]], ['d', 'F64', [1], [0.1]], ['f', 'F32', [1], [2.5]]], '    ')],
    ['shorter than the length', good.subarray(0, 5)],
    ['a header longer than the file', good.subarray(0, 40)],
    ['cut inside the data', good.subarray(0, good.length - 4)],
    ['overlapping tensors', patched(handBuilt([['p', 'F32', [2], [1, 2]], ['q', 'F32', [1], [3]]]), '[8,12]', '[4, 8]')],
    ['an unknown dtype', patched(handBuilt([['u', 'F32', [0], []]]), '"F32"', '"U32"')],
  ];

  it('gives what decodeSafetensors gives of the whole file, good or malformed', () => {
    for (const [what, bytes] of files) expect(fromFile(bytes), what).toEqual(decodeSafetensors(bytes));
    // the cases are what they say: the good ones decode, the others are errors
    expect(files.map(([w, b]) => [w, 'error' in decodeSafetensors(b)])).toEqual(files.map(([w], i) => [w, i >= 2]));
  });

  it('leaves the tensors it is told to skip unread', () => {
    const r = fromFile(good, (n) => n !== 'a.kernel');
    if ('error' in r) throw new Error(r.error);
    expect(Object.keys(r.tensors).sort()).toEqual(['b', 'empty']);
    expect(r.metadata).toEqual({ step: '3' });
  });

  it('is written as parts that are the bytes encodeSafetensors makes, without copying the tensors', () => {
    const tensors = { w: { shape: [3], data: Float32Array.from([1, 2, 3]) }, v: { shape: [2], data: Float32Array.from([4, 5]) } };
    const parts = safetensorsParts(tensors, { m: 'x' });
    expect(parts.length).toBe(3);
    expect(parts[2]!.buffer).toBe(tensors.w.data.buffer); // sorted by name: v, then w
    const f = join(work, 'parts.safetensors');
    writeFileAtomic(f, parts);
    expect(new Uint8Array(readFileSync(f))).toEqual(encodeSafetensors(tensors, { m: 'x' }));
  });

  // The scale that broke: 2.16 GB of checkpoint (a 720 MB table and Adam's two slots of it).
  it('writes and reads back a checkpoint of more than 2 GiB; --weights reads its parameters only', () => {
    const n = 180_000_000;
    const table = new Float32Array(n);
    const m = new Float32Array(n);
    const v = new Float32Array(n);
    for (const [i, x] of [[0, 1.5], [n >> 1, -2], [n - 1, 3]] as const) [table[i], m[i], v[i]] = [x, x / 10, x * x];
    const state: TrainState = { step: 7, epoch: 0, batchInEpoch: 7, seed: 1, model: 'big', losses: [], history: [] };
    const dir = join(work, 'big');
    mkdirSync(dir);
    saveCheckpoint(dir, { 'features.user.table': { shape: [n / 10, 10], data: table } }, { 'features.user.table/m': { shape: [n / 10, 10], data: m }, 'features.user.table/v': { shape: [n / 10, 10], data: v } }, state);
    expect(statSync(join(dir, CHECKPOINT)).size).toBeGreaterThan(2 ** 31);
    const back = loadCheckpoint(dir);
    if (!back || 'error' in back) throw new Error(back?.error ?? 'no checkpoint');
    expect(back.state.step).toBe(7);
    for (const [i, x] of [[0, 1.5], [n >> 1, -2], [n - 1, 3], [1, 0]] as const) {
      expect([back.weights['features.user.table']!.data[i], back.slots['features.user.table/m']!.data[i], back.slots['features.user.table/v']!.data[i]]).toEqual([x, Math.fround(x / 10), x * x]);
    }
    const w = readWeightsFile(join(dir, CHECKPOINT));
    if ('error' in w) throw new Error(w.error);
    expect(Object.keys(w.tensors)).toEqual(['features.user.table']);
    expect(w.tensors['features.user.table']!.data[n - 1]).toBe(3);
  }, 180_000);
});
