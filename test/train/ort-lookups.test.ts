// Lookups gathered on the host for the ort backend (ir/passes/host-lookups.ts,
// train/ort/lookup-feeds.ts) against lookups in the graph: the same training, to float32
// rounding, on a spec whose tables are shared by two features (an id and a sequence of it), read
// with padding and clipped by norm; and the feeds themselves checked by hand, an id outside its
// table included.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/preprocess.js';
import type { IRGraph } from '../../src/ir/types.js';
import { analyze } from '../../src/semantics/analyze.js';
import { ortRunner } from '../../src/train/ort-runner.js';
import { LookupFeeds, packedGradient } from '../../src/train/ort/lookup-feeds.js';
import { readFileSync } from 'node:fs';
import type { Ort } from '../../src/train/ort/load.js';
import { trainRows, wasmAndOrt } from '../helpers/ort-train.js';

const ROOT = join(import.meta.dirname, '../..');

let ort: Ort;
beforeAll(async () => {
  ort = await wasmAndOrt();
});

function spec(clip: number): IRGraph {
  const file = join(ROOT, 'examples/shared-bottom.rec');
  const text = readFileSync(file, 'utf8').replace('epochs: 2', `epochs: 1\n    clip_norm: ${clip}`).replace("batch: 1024", "batch: 256");
  const a = analyze(text, file);
  expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return a.graph!;
}

async function trained(g: IRGraph, lookups: 'host' | 'graph'): Promise<Record<string, Float32Array>> {
  return (await trainRows(g, 3000, { runner: (init) => ortRunner(ort, init, { threads: 1, cuda: false, lookups }) })).weights;
}

describe('ort backend: lookups gathered on the host', () => {
  for (const clip of [1e3, 0.05]) {
    it(`trains as lookups in the graph do (clip_norm ${clip}${clip < 1 ? ', clipping every step' : ''})`, async () => {
      const g = spec(clip);
      const host = await trained(g, 'host');
      const graph = await trained(g, 'graph');
      expect(Object.keys(host).sort()).toEqual(Object.keys(graph).sort());
      for (const [name, w] of Object.entries(graph)) {
        const h = host[name]!;
        let scale = 1e-3;
        let worst = 0;
        for (let i = 0; i < w.length; i++) {
          scale = Math.max(scale, Math.abs(w[i]!));
          worst = Math.max(worst, Math.abs(h[i]! - w[i]!));
        }
        expect(worst / scale, name).toBeLessThan(1e-5);
      }
    }, 60_000);
  }

  it('feeds the touched rows, then a zero row, and ids renumbered into them (an id outside the table reads the zero row)', () => {
    const table = { param: 't', rows: 6, width: 2, features: ['a', 'b'] };
    const feeds = new LookupFeeds([{ table, rows: 'rows:t', ids: [{ feature: 'a', input: 'ids:t:a' }, { feature: 'b', input: 'ids:t:b' }] }]);
    const w = Float32Array.from({ length: 12 }, (_, i) => i + 1);
    const batch = { n: 2, inputs: { a: Int32Array.from([4, 1]), b: Int32Array.from([1, 0, 9, 4, 4, 0]) }, shapes: { a: [], b: [3] }, labels: {}, keys: {} } as unknown as Dataset;
    const out: Record<string, InstanceType<Ort['Tensor']>> = {};
    const touched = feeds.add(ort, out, batch, { t: { data: w } });
    expect([...touched.get('t')!]).toEqual([0, 1, 4]);
    expect(out['rows:t']!.dims).toEqual([4, 2]);
    expect([...(out['rows:t']!.data as Float32Array)]).toEqual([1, 2, 3, 4, 9, 10, 0, 0]);
    expect([...(out['ids:t:a']!.data as BigInt64Array)]).toEqual([2n, 1n]);
    expect(out['ids:t:b']!.dims).toEqual([2, 3]);
    expect([...(out['ids:t:b']!.data as BigInt64Array)]).toEqual([1n, 0n, 3n, 2n, 2n, 0n]);
    // the gradient an optimizer applies: not the zero row's, and not the padding row's
    const g = Float32Array.from([1, 1, 2, 2, 3, 3, 4, 4]);
    const padded = packedGradient(touched.get('t')!, g, 2, true);
    expect([...padded.rows]).toEqual([1, 4]);
    expect([...padded.g]).toEqual([2, 2, 3, 3]);
    const plain = packedGradient(touched.get('t')!, g, 2, false);
    expect([...plain.rows]).toEqual([0, 1, 4]);
    expect([...plain.g]).toEqual([1, 1, 2, 2, 3, 3]);
  });
});
