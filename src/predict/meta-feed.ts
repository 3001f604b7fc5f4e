// The meta embedding of each scored row of a LiMAML model, as its global block (global.onnx) reads
// it: the vector of the row's key from the meta-embedding table (meta-table.ts), or, for a key the
// table lacks (a task the daily job has not seen, an empty key), the un-adapted meta block on the
// row itself, as `recc eval` embeds a task without support rows. Those rows are counted.
import * as ort from 'onnxruntime-node';
import type { FeedArray } from '../data/onnx-feeds.js';
import type { MetaColumns } from './meta-table.js';
import { ortTensors } from './ort-tensors.js';

export interface MetaLookup extends MetaColumns {
  vectors: ReadonlyMap<string, Float32Array>;
  /** The meta block with its own weights, no adaptation (the `meta_unadapted` entry), as ONNX. */
  unadapted: Uint8Array;
}

/** The feeds a session takes, of those given. */
export function feedsOf(session: ort.InferenceSession, feeds: Record<string, FeedArray>): Record<string, FeedArray> {
  return Object.fromEntries(session.inputNames.map((name) => [name, feeds[name]!]));
}

export class MetaFeed {
  /** The keys of the rows pushed since the last embed. */
  private keys: string[] = [];
  /** Keys scored un-adapted (the empty key aside), and their rows. */
  readonly missed = { keys: new Set<string>(), rows: 0 };

  private constructor(
    private readonly lookup: MetaLookup,
    readonly session: ort.InferenceSession,
  ) {}

  static async create(lookup: MetaLookup, options: ort.InferenceSession.SessionOptions): Promise<MetaFeed> {
    return new MetaFeed(lookup, await ort.InferenceSession.create(lookup.unadapted, options));
  }

  /** The key of the next row. */
  push(key: string): void {
    this.keys.push(key);
  }

  /** Forget the rows pushed since the last embed (a batch not scored). */
  drop(): void {
    this.keys = [];
  }

  /** The embeddings of the rows pushed since the last embed, [n, dim], given their feeds. */
  async embed(feeds: Record<string, FeedArray>): Promise<FeedArray> {
    const { dim, vectors, name } = this.lookup;
    const n = this.keys.length;
    const out = new Float32Array(n * dim);
    const missing: number[] = [];
    this.keys.forEach((k, i) => {
      const v = k === '' ? undefined : vectors.get(k);
      if (v) out.set(v, i * dim);
      else missing.push(i);
    });
    if (missing.length > 0) {
      const own = (await this.session.run(ortTensors(feedsOf(this.session, feeds))))[name]!.data as Float32Array;
      for (const i of missing) {
        out.set(own.subarray(i * dim, (i + 1) * dim), i * dim);
        if (this.keys[i] !== '') this.missed.keys.add(this.keys[i]!);
      }
      this.missed.rows += missing.length;
    }
    this.keys = [];
    return { type: 'float32', data: out, dims: [n, dim] };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
