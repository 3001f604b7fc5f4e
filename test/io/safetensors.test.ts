import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWeights, decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';

describe('safetensors', () => {
  it('round-trips tensors and metadata', () => {
    const bytes = encodeSafetensors({ 'a.kernel': { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) }, b: { shape: [1], data: Float32Array.from([-0.5]) } }, { step: '3' });
    const r = decodeSafetensors(bytes);
    if ('error' in r) throw new Error(r.error);
    expect(Array.from(r.tensors['a.kernel']!.data)).toEqual([1, 2, 3, 4]);
    expect(r.tensors.b!.shape).toEqual([1]);
    expect(r.metadata).toEqual({ step: '3' });
    expect(new DataView(bytes.buffer).getBigUint64(0, true) % 8n).toBe(0n);
  });

  it('reads a file built by hand from the format spec (F32 and F64)', () => {
    const header = JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, d: { dtype: 'F64', shape: [1], data_offsets: [8, 16] } });
    const head = new TextEncoder().encode(header);
    const buf = new Uint8Array(8 + head.length + 16);
    const v = new DataView(buf.buffer);
    v.setBigUint64(0, BigInt(head.length), true);
    buf.set(head, 8);
    v.setFloat32(8 + head.length, 1.5, true);
    v.setFloat32(8 + head.length + 4, -2, true);
    v.setFloat64(8 + head.length + 8, 0.25, true);
    const r = decodeSafetensors(buf);
    if ('error' in r) throw new Error(r.error);
    expect(Array.from(r.tensors.w!.data)).toEqual([1.5, -2]);
    expect(Array.from(r.tensors.d!.data)).toEqual([0.25]);
  });

  it.runIf(spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0)('reads a file written by Python (struct + json + numpy, by the spec)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-st-'));
    const f = join(dir, 'py.safetensors');
    const script = `
import json, struct, sys, numpy as np
a = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
h = json.dumps({"__metadata__": {"by": "python"}, "layer.kernel": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, a.nbytes]}}).encode()
h += b" " * ((8 - len(h) % 8) % 8)
open(sys.argv[1], "wb").write(struct.pack("<Q", len(h)) + h + a.tobytes())
`;
    expect(spawnSync('/usr/bin/python3', ['-c', script, f]).status).toBe(0);
    const r = decodeSafetensors(readFileSync(f));
    if ('error' in r) throw new Error(r.error);
    expect(Array.from(r.tensors['layer.kernel']!.data)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    expect(r.metadata.by).toBe('python');
  });

  it('reports malformed files and mismatched weights clearly', () => {
    expect(decodeSafetensors(new Uint8Array(3))).toEqual({ error: 'the file is shorter than the 8-byte header length' });
    const bad = new Uint8Array(16);
    new DataView(bad.buffer).setBigUint64(0, 1000n, true);
    expect('error' in decodeSafetensors(bad)).toBe(true);
    expect(checkWeights([{ name: 'a', shape: [2, 3] }, { name: 'b', shape: [3] }], { a: { shape: [3, 2] }, c: { shape: [1] } })).toEqual([
      'wrong shape: a is [3, 2] in the file, the spec wants [2, 3]',
      'missing: b [3]',
      'unexpected: c (not a parameter of this spec)',
    ]);
  });
});

/** A file by the spec: u64 LE header length, the JSON header padded with spaces to 8 bytes, data. */
function fileOf(header: unknown, data: Uint8Array, pad = true): Uint8Array {
  let json = JSON.stringify(header);
  if (pad) json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

describe('safetensors, more of the spec', () => {
  it('reads F16, I32 and I64 into Float32Array, after a space-padded header', () => {
    const data = new Uint8Array(6 + 8 + 16);
    const v = new DataView(data.buffer);
    // F16 by hand: 1.0 = 0x3C00, −2.0 = 0xC000, 0.5 = 0x3800
    v.setUint16(0, 0x3c00, true);
    v.setUint16(2, 0xc000, true);
    v.setUint16(4, 0x3800, true);
    v.setInt32(6, -7, true);
    v.setInt32(10, 123456, true);
    v.setBigInt64(14, -3n, true);
    v.setBigInt64(22, 1n << 40n, true);
    const bytes = fileOf(
      { __metadata__: { format: 'pt' }, h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] }, i: { dtype: 'I32', shape: [2, 1], data_offsets: [6, 14] }, l: { dtype: 'I64', shape: [2], data_offsets: [14, 30] } },
      data,
    );
    expect((new DataView(bytes.buffer).getBigUint64(0, true)) % 8n).toBe(0n);
    const r = decodeSafetensors(bytes);
    if ('error' in r) throw new Error(r.error);
    expect(Array.from(r.tensors.h!.data)).toEqual([1, -2, 0.5]);
    expect(Array.from(r.tensors.i!.data)).toEqual([-7, 123456]);
    expect(r.tensors.i!.shape).toEqual([2, 1]);
    expect(Array.from(r.tensors.l!.data)).toEqual([-3, 2 ** 40]);
    expect(r.tensors.l!.dtype).toBe('I64');
    expect(r.metadata).toEqual({ format: 'pt' });
  });

  it('writes the bytes the spec prescribes: sorted entries, offsets, padding, little-endian floats', () => {
    const full = Float32Array.from([9, 1.5, -0.25, 9]);
    const bytes = encodeSafetensors({ z: { shape: [2], data: full.subarray(1, 3) }, a: { shape: [], data: Float32Array.of(3) } });
    const len = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(len % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) as Record<string, { data_offsets: number[] }>;
    expect(header.a!.data_offsets).toEqual([0, 4]);
    expect(header.z!.data_offsets).toEqual([4, 12]);
    const v = new DataView(bytes.buffer, 8 + len);
    expect([v.getFloat32(0, true), v.getFloat32(4, true), v.getFloat32(8, true)]).toEqual([3, 1.5, -0.25]);
    expect(bytes.length).toBe(8 + len + 12);
  });

  it('round-trips special values and an empty tensor', () => {
    const r = decodeSafetensors(encodeSafetensors({ s: { shape: [4], data: Float32Array.from([NaN, Infinity, -0, 1e-45]) }, e: { shape: [0, 3], data: new Float32Array(0) } }));
    if ('error' in r) throw new Error(r.error);
    expect(Array.from(r.tensors.s!.data)).toEqual([NaN, Infinity, -0, Math.fround(1e-45)]);
    expect(r.tensors.e!.shape).toEqual([0, 3]);
  });

  it('names what is wrong in a malformed file', () => {
    const f32 = new Uint8Array(8);
    const cases: Array<[Uint8Array, RegExp]> = [
      [fileOf([1, 2], new Uint8Array()), /not a JSON object/],
      [fileOf({ w: null }, f32), /tensor w: the entry is not an object/],
      [fileOf({ w: { shape: [2], data_offsets: [0, 8] } }, f32), /tensor w: dtype is missing/],
      [fileOf({ w: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }, f32), /unsupported dtype BF16/],
      [fileOf({ w: { dtype: 'F32', shape: [2, -1], data_offsets: [0, 8] } }, f32), /shape must be an array of non-negative integers/],
      [fileOf({ w: { dtype: 'F32', shape: [2], data_offsets: [0] } }, f32), /data_offsets must be \[begin, end\]/],
      [fileOf({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32), /hold 8 bytes, but shape \[3\] F32 needs 12/],
      [fileOf({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32), /run past the end of the data \(8 bytes\)/],
      [fileOf({ __metadata__: { step: 3 } }, new Uint8Array()), /__metadata__ must be an object of string values/],
    ];
    for (const [bytes, message] of cases) {
      const r = decodeSafetensors(bytes);
      expect('error' in r ? r.error : 'decoded').toMatch(message);
    }
    // two tensors on the same bytes (or part of them): the format gives each its own
    const f16 = new Uint8Array(16);
    expect(decodeSafetensors(fileOf({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f16))).toEqual({
      error: "tensors a (data_offsets [0, 8]) and b ([0, 8]) overlap: each tensor's bytes must be its own",
    });
    expect(decodeSafetensors(fileOf({ b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] }, a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } }, f16))).toEqual({
      error: "tensors a (data_offsets [0, 12]) and b ([4, 12]) overlap: each tensor's bytes must be its own",
    });
    // inside an earlier, longer one (not only the next in order)
    const inside = { a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } };
    expect('error' in decodeSafetensors(fileOf(inside, f16))).toBe(true);
    // adjacent tensors, and empty ones anywhere, do not overlap
    const fine = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, e: { dtype: 'F32', shape: [0], data_offsets: [4, 4] }, b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } };
    expect('tensors' in decodeSafetensors(fileOf(fine, f16))).toBe(true);
    const notJson = fileOf({}, new Uint8Array());
    notJson[8] = 0x7b + 1; // '|' instead of '{'
    expect(decodeSafetensors(notJson)).toEqual({ error: 'the header is not valid UTF-8 JSON' });
  });
});
