// Checkpoints in safetensors (https://github.com/huggingface/safetensors format): 8-byte
// little-endian header length, a JSON header {name: {dtype, shape, data_offsets}, __metadata__},
// then the raw little-endian tensor bytes. Read by PyTorch, JAX and most tools; small enough to
// write by hand (the npm packages for it are unmaintained or browser-only).

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/** What this module writes: float32 only. */
export interface TensorEntry extends NamedTensor {
  dtype: 'F32';
}

// Typed arrays use the platform's byte order; safetensors is little-endian. On little-endian
// hosts (all that Node supports in practice) tensor bytes are copied whole instead of per value.
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

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

/**
 * A safetensors file as its parts, in order: the header, then each tensor's bytes (views of the
 * tensors themselves on little-endian hosts, not copies). Written one after another (atomic-write.ts
 * takes parts), a checkpoint larger than a typed array may be (4 GiB: a model of 1.4 GB with
 * Adam's two slots) is never one buffer, and the tensors are not copied once more.
 */
export function safetensorsParts(tensors: Record<string, NamedTensor>, metadata: Record<string, string> = {}): Uint8Array[] {
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
  const first = new Uint8Array(8 + head.length);
  new DataView(first.buffer).setBigUint64(0, BigInt(head.length), true);
  first.set(head, 8);
  const parts: Uint8Array[] = [first];
  for (const name of names) {
    const d = tensors[name]!.data;
    if (d.length === 0) continue;
    if (LITTLE_ENDIAN) parts.push(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    else {
      const le = new Uint8Array(d.byteLength);
      const view = new DataView(le.buffer);
      for (let i = 0; i < d.length; i++) view.setFloat32(4 * i, d[i]!, true);
      parts.push(le);
    }
  }
  return parts;
}

/** The whole file in one buffer (for small files: init.safetensors, tests); large ones are written as parts. */
export function encodeSafetensors(tensors: Record<string, NamedTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const parts = safetensorsParts(tensors, metadata);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const isDim = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** A tensor of a header: where its bytes are in the data (`s`, `e`), checked against its dtype and shape. */
export interface HeaderEntry {
  name: string;
  dtype: string;
  shape: number[];
  s: number;
  e: number;
}

export type Decoded = { tensors: Record<string, NamedTensor & { dtype: string }>; metadata: Record<string, string> };

/**
 * The JSON header of a file whose data (after the header) holds `size` bytes: its tensors and
 * metadata, or what is wrong with it. Every entry's bytes lie in the data, match its dtype and
 * shape, and are its own.
 */
export function parseHeader(json: Uint8Array, size: number): { entries: HeaderEntry[]; metadata: Record<string, string> } | { error: string } {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    return { error: 'the header is not valid UTF-8 JSON' };
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return { error: 'the header is not a JSON object' };
  const entries: HeaderEntry[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    if (typeof info !== 'object' || info === null) return { error: `tensor ${name}: the entry is not an object with dtype, shape and data_offsets` };
    const { dtype, shape, data_offsets } = info as Record<string, unknown>;
    if (typeof dtype !== 'string') return { error: `tensor ${name}: dtype is missing or not a string` };
    const dt = DTYPES[dtype];
    if (!dt) return { error: `tensor ${name}: unsupported dtype ${dtype} (F32, F64, F16, I32 and I64 are read)` };
    if (!Array.isArray(shape) || !shape.every(isDim)) return { error: `tensor ${name}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}` };
    if (!Array.isArray(data_offsets) || data_offsets.length !== 2 || !data_offsets.every(isDim)) return { error: `tensor ${name}: data_offsets must be [begin, end] byte offsets, got ${JSON.stringify(data_offsets)}` };
    const n = shape.reduce((a, b) => a * b, 1);
    const [s, e] = data_offsets as [number, number];
    if (e < s || e - s !== n * dt.bytes) return { error: `tensor ${name}: data_offsets [${s}, ${e}] hold ${e - s} bytes, but shape [${shape.join(', ')}] ${dtype} needs ${n * dt.bytes}` };
    if (e > size) return { error: `tensor ${name}: data_offsets [${s}, ${e}] run past the end of the data (${size} bytes)` };
    entries.push({ name, dtype, shape: shape as number[], s, e });
  }
  // The format gives each tensor bytes of its own: two reading the same bytes is a file written
  // wrong (or made to alias one tensor into another), refused rather than loaded as weights.
  const spans = entries.filter((t) => t.e > t.s).sort((a, b) => a.s - b.s || a.e - b.e);
  let last: HeaderEntry | undefined;
  for (const t of spans) {
    if (last && t.s < last.e) return { error: `tensors ${last.name} (data_offsets [${last.s}, ${last.e}]) and ${t.name} ([${t.s}, ${t.e}]) overlap: each tensor's bytes must be its own` };
    if (!last || t.e > last.e) last = t;
  }
  const meta = (header as Record<string, unknown>).__metadata__ ?? {};
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta) || !Object.values(meta).every((v) => typeof v === 'string')) {
    return { error: '__metadata__ must be an object of string values' };
  }
  return { entries, metadata: meta as Record<string, string> };
}

/**
 * The values of a tensor whose bytes `bytes` holds (its dtype's, little-endian), as float32: a
 * copy, whatever the alignment (a Buffer's slice would be a view of Node's shared pool).
 */
export function tensorValues(t: HeaderEntry, bytes: Uint8Array): Float32Array {
  const dt = DTYPES[t.dtype]!;
  const data = new Float32Array(bytes.length / dt.bytes);
  if (t.dtype === 'F32' && LITTLE_ENDIAN) new Uint8Array(data.buffer).set(bytes);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < data.length; i++) data[i] = dt.read(view, i * dt.bytes);
  }
  return data;
}

/** Whether a tensor of this dtype is read straight into its float32 array (readSafetensorsFile). */
export const readsInPlace = (dtype: string) => dtype === 'F32' && LITTLE_ENDIAN;

/**
 * Where the data of a file of `size` bytes starts, from its first bytes (`first`: up to 8), which
 * give the header's length; or why it is not a safetensors file.
 */
export function dataStart(first: Uint8Array, size: number): number | { error: string } {
  if (first.length < 8) return { error: 'the file is shorter than the 8-byte header length' };
  const len64 = new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true);
  if (len64 > BigInt(size - 8)) return { error: `the header claims ${len64} bytes but the file has ${size - 8} after the length (not a safetensors file, or truncated)` };
  return 8 + Number(len64);
}

export function decodeSafetensors(bytes: Uint8Array): Decoded | { error: string } {
  const base = dataStart(bytes.subarray(0, 8), bytes.length);
  if (typeof base !== 'number') return base;
  const h = parseHeader(bytes.subarray(8, base), bytes.length - base);
  if ('error' in h) return h;
  // tensor names come from the file: a `__proto__` tensor must be a key, not a prototype
  const tensors: Decoded['tensors'] = Object.create(null);
  for (const t of h.entries) tensors[t.name] = { dtype: t.dtype, shape: t.shape, data: tensorValues(t, bytes.subarray(base + t.s, base + t.e)) };
  return { tensors, metadata: h.metadata };
}

/** One line per mismatch between the parameters a spec declares and the tensors of a file. */
export function checkWeights(expected: Array<{ name: string; shape: number[] }>, got: Record<string, { shape: number[] }>): string[] {
  const out: string[] = [];
  const want = new Map(expected.map((p) => [p.name, p.shape]));
  for (const [name, shape] of want) {
    const g = Object.hasOwn(got, name) ? got[name] : undefined;
    if (!g) out.push(`missing: ${name} [${shape.join(', ')}]`);
    else if (g.shape.join() !== shape.join()) out.push(`wrong shape: ${name} is [${g.shape.join(', ')}] in the file, the spec wants [${shape.join(', ')}]`);
  }
  for (const name of Object.keys(got)) if (!want.has(name)) out.push(`unexpected: ${name} (not a parameter of this spec)`);
  return out;
}
