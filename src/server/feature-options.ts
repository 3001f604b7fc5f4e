// The options of each feature kind, for completion inside `features { x: id(| ) }`.
// src/semantics/features.ts holds these lists inline in its checks and does not export them;
// test/server/completion.test.ts checks this table against the checker (every option accepted,
// and the checker's "its options are …" hint lists exactly these), so the two cannot drift.
import type { FEATURE_KINDS } from '../semantics/features.js';

export const FEATURE_OPTIONS: Record<(typeof FEATURE_KINDS)[number], Array<{ name: string; doc: string }>> = {
  id: [
    { name: 'vocab', doc: 'the vocabulary: a list of strings or a file with one value per line' },
    { name: 'hash', doc: 'number of hash buckets (instead of a vocabulary)' },
    { name: 'dim', doc: 'embedding width' },
    { name: 'column', doc: 'the data column, when it differs from the feature name' },
  ],
  seq: [
    { name: 'max_len', doc: 'sequences are cut or padded to this length' },
    { name: 'sep', doc: 'the separator between ids in one cell (default `|`)' },
    { name: 'column', doc: 'the data column, when it differs from the feature name' },
  ],
  bucketize: [
    { name: 'boundaries', doc: 'strictly increasing bucket boundaries' },
    { name: 'dim', doc: 'embedding width' },
    { name: 'column', doc: 'the data column, when it differs from the feature name' },
  ],
  dense: [
    { name: 'size', doc: 'number of values' },
    { name: 'column', doc: 'the data column, when it differs from the feature name' },
  ],
  label: [{ name: 'column', doc: 'the data column, when it differs from the feature name' }],
};
