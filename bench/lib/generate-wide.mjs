// The wide spec and data of bench/memory.mjs (issue 17): 50 features (30 hashed ids, 10 bucketized
// numbers, 10 one-number dense features) and 20 binary tasks over one shared layer, and a CSV of
// `rows` rows for it (about 280 bytes a row), written in blocks so that any size streams out.
import { closeSync, openSync, writeSync } from 'node:fs';
import seedrandom from 'seedrandom';

const IDS = 30;
const BUCKETS = 10;
const DENSE = 10;
const TASKS = 20;

export const WIDE_COLUMNS = [
  ...Array.from({ length: IDS }, (_, i) => `f${i}`),
  ...Array.from({ length: BUCKETS }, (_, i) => `b${i}`),
  ...Array.from({ length: DENSE }, (_, i) => `d${i}`),
  ...Array.from({ length: TASKS }, (_, i) => `y${i}`),
];

/** The spec text; `data` is the CSV it trains on (relative to the spec). */
export function wideSpec(data) {
  const feats = [
    ...Array.from({ length: IDS }, (_, i) => `    f${i}: id(hash: 1000, dim: 4)`),
    ...Array.from({ length: BUCKETS }, (_, i) => `    b${i}: bucketize(boundaries: [10, 100, 500], dim: 4)`),
    ...Array.from({ length: DENSE }, (_, i) => `    d${i}: dense(1)`),
    ...Array.from({ length: TASKS }, (_, i) => `    y${i}: label`),
  ];
  const inputs = WIDE_COLUMNS.slice(0, IDS + BUCKETS + DENSE).join(', ');
  return [
    'model wide {',
    '  features {',
    ...feats,
    '  }',
    `  let h = mlp(concat(${inputs}), units: [32])`,
    ...Array.from({ length: TASKS }, (_, i) => `  task t${i} : binary(label: y${i}) { from: h }`),
    '  train {',
    '    optimizer: adam(lr: 1e-3)',
    '    batch: 1024',
    '    epochs: 1',
    '    split: by_key(f0, test: 0.25)',
    '    metrics: [auc]',
    `    data: "${data}"`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Write `rows` rows of the wide CSV to `file` (seeded: the same file for the same arguments). */
export function writeWideCsv(file, rows, seed = 1) {
  const rng = seedrandom(`wide:${seed}`);
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, `${WIDE_COLUMNS.join(',')}\n`);
    const BLOCK = 10_000;
    for (let start = 0; start < rows; start += BLOCK) {
      const lines = [];
      for (let r = start; r < Math.min(rows, start + BLOCK); r++) {
        const cells = [];
        for (let i = 0; i < IDS; i++) cells.push(`v${Math.floor(rng() * 1000)}`);
        for (let i = 0; i < BUCKETS; i++) cells.push(String(Math.floor(rng() * 1000)));
        for (let i = 0; i < DENSE; i++) cells.push((rng() * 2 - 1).toFixed(2));
        for (let i = 0; i < TASKS; i++) cells.push(rng() < 0.3 ? '1' : '0');
        lines.push(cells.join(','));
      }
      writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
}
