// Records spilled to disk by key, so that a file of any size can be worked through a group of keys
// at a time (`recc meta-embed`): each record goes to one of B bucket files, hashBucket(key, B)
// (src/data/hash.ts), so every record of a key is in one bucket, in the order it was added. A
// bucket file is one JSON array of cells a line. JSON has no undefined (a record lacking a column),
// NaN, ±Infinity or −0 (a Parquet DOUBLE may hold them), and a JSON array item cannot be omitted,
// so those are written as one-key objects, which no reader gives as a cell, and read back as they
// were: the cells come back exactly as the reader gave them.
import { appendFileSync, createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { WriteError } from '../io/atomic-write.js';
import { hashBucket } from './hash.js';
import type { RawCell } from './row.js';

/** Buckets for a file of `bytes` so that each holds about `bucketBytes` of it (at least 1). */
export function bucketCount(bytes: number, bucketBytes: number): number {
  return Math.max(1, Math.ceil(bytes / bucketBytes));
}

const UNDEFINED = { undefined: true };

function toJson(_k: string, v: unknown): unknown {
  if (v === undefined) return UNDEFINED;
  if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { number: Object.is(v, -0) ? '-0' : String(v) };
  return v;
}

function fromJson(_k: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  if ('number' in v) return Number(v.number);
  return undefined; // UNDEFINED; an array item revived as undefined is left out, and reads as undefined
}

/** One record as a line of its bucket file. */
export function spillLine(cells: readonly RawCell[]): string {
  // an array hole (a cell never set) is undefined too: JSON.stringify would write it as null
  return JSON.stringify(Array.from(cells), toJson) + '\n';
}

/** The cells of a line written by spillLine. */
export function readSpillLine(line: string): RawCell[] {
  return JSON.parse(line, fromJson) as RawCell[];
}

// Lines are gathered in memory and appended to their files this many bytes at a time: one open
// descriptor per bucket would run out of descriptors with thousands of buckets.
const FLUSH_BYTES = 8 << 20;

/** Bucket files in `dir` (an empty directory its owner removes), written by add, read by records. */
export class KeySpill {
  private pending = new Map<number, string[]>();
  private pendingBytes = 0;
  private readonly used = new Set<number>();

  constructor(
    readonly dir: string,
    readonly buckets: number,
  ) {}

  private file(bucket: number): string {
    return join(this.dir, `${bucket}.jsonl`);
  }

  add(key: string, cells: readonly RawCell[]): void {
    const b = hashBucket(key, this.buckets);
    const line = spillLine(cells);
    const lines = this.pending.get(b);
    if (lines) lines.push(line);
    else this.pending.set(b, [line]);
    this.used.add(b);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  /** Write what add gathered; call once the last record is added. */
  flush(): void {
    for (const [b, lines] of this.pending) {
      try {
        appendFileSync(this.file(b), lines.join(''));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw typeof code === 'string' ? new WriteError(this.file(b), code) : e;
      }
    }
    this.pending = new Map();
    this.pendingBytes = 0;
  }

  /** The buckets holding records, ascending. */
  nonEmpty(): number[] {
    return [...this.used].sort((a, b) => a - b);
  }

  /** The records of a bucket, in the order they were added. */
  async *records(bucket: number): AsyncGenerator<RawCell[]> {
    const file = this.file(bucket);
    if (!existsSync(file)) return;
    const lines = createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
    for await (const line of lines) if (line !== '') yield readSpillLine(line);
  }
}
