import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/io/atomic-write.js';
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

describe('atomic writes', () => {
  it('replace the file whole, and a failed write leaves the old content', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-aw-'));
    const f = join(dir, 'state.json');
    writeFileAtomic(f, 'one');
    writeFileAtomic(f, 'two');
    expect(readFileSync(f, 'utf8')).toBe('two');
    // the rename fails (a non-empty directory holds the name): nothing is lost, no temp file stays
    const target = join(dir, 'target');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'keep');
    expect(() => writeFileAtomic(target, 'new')).toThrow();
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('keep');
    expect(readdirSync(dir).sort()).toEqual(['state.json', 'target']);
  });
});
