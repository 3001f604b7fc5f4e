// The meta embeddings `recc predict --meta FILE` scores a LiMAML model with: the table `recc
// meta-embed` writes (its daily job, Alg. 2b), in any format it writes. Two columns are read: the
// meta block's key, and the column named after the meta block holding `dim` numbers (as a
// `dense(dim)` feature reads them). The table is read whole into a map by key: one vector per
// task, as a feature store would serve it online.
//
// A row with an empty key, a vector of the wrong length or not a number, or a key listed twice is
// an error at its file, line and column (the reader's checks and messages, data/encode-file.ts).
import { encodeFile, type RecordEncoder } from '../data/encode-file.js';
import { BadValue, denseOf, keyText, type BadRow } from '../data/preprocess.js';
import type { ReadReport } from '../data/record.js';
import type { RawCell } from '../data/row.js';
import type { MetaSpec } from '../ir/meta.js';

/** The meta block a table serves: its name (the vector's column), its key, the vector's width. */
export type MetaColumns = Pick<MetaSpec, 'name' | 'key'> & { dim: number };

/** Reads the table's records into `vectors`, one per key. */
class MetaTableEncoder implements RecordEncoder {
  readonly columns: string[];
  readonly vectors = new Map<string, Float32Array>();
  private readonly dense;

  constructor(private readonly meta: MetaColumns) {
    this.columns = [meta.key, meta.name];
    this.dense = { kind: 'dense', name: meta.name, column: meta.name, size: meta.dim } as const;
  }

  push(cells: ArrayLike<RawCell>): BadRow | undefined {
    const { key, name } = this.meta;
    const k = cells[0];
    if (k === undefined) return { column: key, code: 'REC6001', message: `missing column \`${key}\` (the key of meta block \`${name}\`)` };
    const text = keyText(k);
    if (text === '') return { column: key, code: 'REC6002', message: `\`${key}\` is empty: each meta embedding belongs to one key` };
    if (this.vectors.has(text)) return { column: key, code: 'REC6002', message: `key \`${text}\` has a second meta embedding: each key has one (two shards of \`recc meta-embed\` over the same keys?)` };
    if (cells[1] === undefined) return { column: name, code: 'REC6001', message: `missing column \`${name}\` (the meta embedding)` };
    try {
      this.vectors.set(text, Float32Array.from(denseOf(this.dense, cells[1])));
    } catch (e) {
      if (!(e instanceof BadValue)) throw e;
      return { column: e.column, code: e.code, message: e.message };
    }
    return undefined;
  }
}

/** The table of `file` (open as `fd`, closed at the end) by key; its problems go to `report`. */
export async function readMetaTable(file: string, fd: number, meta: MetaColumns, report: ReadReport): Promise<Map<string, Float32Array>> {
  const enc = new MetaTableEncoder(meta);
  const by = `the meta embeddings of \`${meta.name}\` (--meta)`;
  await encodeFile(file, fd, enc, [{ column: meta.key, by }, { column: meta.name, by }], { skipBadRows: false }, report);
  return enc.vectors;
}
