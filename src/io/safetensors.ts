// Checkpoints in safetensors (https://github.com/huggingface/safetensors format): 8-byte
// little-endian header length, a JSON header {name: {dtype, shape, data_offsets}, __metadata__},
// then the raw little-endian tensor bytes. Read by PyTorch, JAX and most tools; small enough to
// write by hand (the npm packages for it are unmaintained or browser-only).

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

const DTYPES: Record<string, { bytes: number; read: (v: DataView, o: number) => number }> = {
  F32: { bytes: 4, read: (v, o) => v.getFloat32(o, true) },
  F64: { bytes: 8, read: (v, o) => v.getFloat64(o, true) },
  F16: { bytes: 2, read: (v, o) => f16(v.getUint16(o, true)) },
  I32: { bytes: 4, read: (v, o) => v.getInt32(o, true) },
  I64: { bytes: 8, read: (v, o) => Number(v.getBigInt64(o, true)) },
};

function f16(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (m / 1024);
  if (e === 31) return m ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + m / 1024);
}

export function encodeSafetensors(tensors: Record<string, NamedTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const t = tensors[name]!;
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`tensor ${name}: shape [${t.shape}] does not hold ${t.data.length} values`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * n] };
    offset += 4 * n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // align the data to 8 bytes, like the reference writer
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const name of names) {
    const d = tensors[name]!.data;
    for (let i = 0; i < d.length; i++) view.setFloat32(at + 4 * i, d[i]!, true);
    at += 4 * d.length;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array): { tensors: Record<string, NamedTensor & { dtype: string }>; metadata: Record<string, string> } | { error: string } {
  if (bytes.length < 8) return { error: 'the file is shorter than the 8-byte header length' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = Number(view.getBigUint64(0, true));
  if (len > bytes.length - 8) return { error: `the header claims ${len} bytes but the file has ${bytes.length - 8} after the length` };
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) as Record<string, unknown>;
  } catch {
    return { error: 'the header is not valid JSON' };
  }
  const base = 8 + len;
  const tensors: Record<string, NamedTensor & { dtype: string }> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets } = info as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const dt = DTYPES[dtype];
    if (!dt) return { error: `tensor ${name}: unsupported dtype ${dtype} (F32, F64, F16, I32 and I64 are read)` };
    if (!Array.isArray(shape) || !Array.isArray(data_offsets)) return { error: `tensor ${name}: malformed entry` };
    const n = shape.reduce((a, b) => a * b, 1);
    const [s, e] = data_offsets;
    if (e - s !== n * dt.bytes || base + e > bytes.length || s < 0) return { error: `tensor ${name}: data_offsets [${s}, ${e}] do not fit shape [${shape}] ${dtype} in the file` };
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = dt.read(view, base + s + i * dt.bytes);
    tensors[name] = { dtype, shape, data };
  }
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  return { tensors, metadata };
}

/** One line per mismatch between the parameters a spec declares and the tensors of a file. */
export function checkWeights(expected: Array<{ name: string; shape: number[] }>, got: Record<string, { shape: number[] }>): string[] {
  const out: string[] = [];
  const want = new Map(expected.map((p) => [p.name, p.shape]));
  for (const [name, shape] of want) {
    const g = got[name];
    if (!g) out.push(`missing: ${name} [${shape.join(', ')}]`);
    else if (g.shape.join() !== shape.join()) out.push(`wrong shape: ${name} is [${g.shape.join(', ')}] in the file, the spec wants [${shape.join(', ')}]`);
  }
  for (const name of Object.keys(got)) if (!want.has(name)) out.push(`unexpected: ${name} (not a parameter of this spec)`);
  return out;
}
