// A safetensors file read from disk a tensor at a time, into the tensors' own arrays. A checkpoint
// can be larger than what Node reads whole (readFileSync stops at 2 GiB; a typed array holds at
// most 4 GiB): a model of 700 MB with Adam's two slots writes 2.1 GB. And `--weights` of a
// checkpoint wants its parameters, not its optimizer slots, which are then never read.
import { readSync } from 'node:fs';
import { dataStart, parseHeader, readsInPlace, tensorValues, type Decoded } from './safetensors.js';

/** Bytes per read: Node refuses more than 2 GiB in one readSync. */
const CHUNK = 2 ** 30;

/** The largest header read (the reference implementation's limit, 100 MB): a length past it is not a safetensors file. */
const MAX_HEADER = 100_000_000;

/** The file ended before a read it declared (it changed while being read). */
class ShortFile extends Error {}

/**
 * The tensors (those `keep` accepts: all by default) and metadata of the safetensors file open as
 * `fd`, `size` bytes long, as decodeSafetensors gives them; or what is wrong with it. Throws what
 * the reads throw (EIO).
 */
export function readSafetensorsFile(fd: number, size: number, keep: (name: string) => boolean = () => true): Decoded | { error: string } {
  try {
    const base = dataStart(readAt(fd, new Uint8Array(Math.min(8, size)), 0), size);
    if (typeof base !== 'number') return base;
    if (base - 8 > MAX_HEADER) return { error: `the header claims ${base - 8} bytes, more than a safetensors header holds (${MAX_HEADER})` };
    const h = parseHeader(readAt(fd, new Uint8Array(base - 8), 8), size - base);
    if ('error' in h) return h;
    // tensor names come from the file: a `__proto__` tensor must be a key, not a prototype
    const tensors: Decoded['tensors'] = Object.create(null);
    for (const t of h.entries) {
      if (!keep(t.name)) continue;
      const bytes = t.e - t.s;
      const data = readsInPlace(t.dtype) ? readAt(fd, new Float32Array(bytes / 4), base + t.s) : tensorValues(t, readAt(fd, new Uint8Array(bytes), base + t.s));
      tensors[t.name] = { dtype: t.dtype, shape: t.shape, data };
    }
    return { tensors, metadata: h.metadata };
  } catch (e) {
    if (e instanceof ShortFile) return { error: e.message };
    throw e;
  }
}

/** `into` filled with the file's bytes from `position` on, a chunk at a time. */
function readAt<T extends Uint8Array | Float32Array>(fd: number, into: T, position: number): T {
  const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
  for (let at = 0; at < bytes.length; ) {
    const n = readSync(fd, bytes, at, Math.min(CHUNK, bytes.length - at), position + at);
    if (n === 0) throw new ShortFile(`the file ends at byte ${position + at}, before the ${bytes.length} bytes its header places at ${position} (did it change while it was read?)`);
    at += n;
  }
  return into;
}
