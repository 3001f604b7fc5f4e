// A LiMAML spec's two serving models each describe their own inputs in `recc.features` (what a
// client's encode() builds feeds from): global.onnx its features and the meta embedding (a
// dense(d) feature named after the meta block, the column `recc meta-embed` writes), not the
// support rows; meta.onnx the features it takes (the latest row's and the support rows'), not the
// global block's item features. Only meta.onnx's support.mask and support labels are left to
// `recc.meta_adapt`, which says how to make them.
import { join } from 'node:path';
import pkg from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { servingModels } from '../../src/lower/serving-models.js';
import { analyzeFile } from '../../src/semantics/analyze.js';

const ROOT = join(import.meta.dirname, '../..');

describe('LiMAML serving metadata', () => {
  it.each(['examples/limaml-mlp.rec', 'examples/limaml-id.rec'])('%s: recc.features of each model are its inputs', (spec) => {
    const graph = analyzeFile(join(ROOT, spec)).graph!;
    const tasks = graph.tasks.map((t) => `support.${t.name}/label`);
    for (const m of servingModels(graph, initWeights(graph, 1), { reccVersion: 'test' })) {
      const model = pkg.onnx.ModelProto.decode(m.onnx);
      const inputs = new Set(model.graph!.input!.map((i) => i.name!));
      const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
      const described = JSON.parse(meta['recc.features']!) as Array<{ name: string; kind: string; size?: number }>;
      const features = described.filter((f) => f.kind !== 'label').map((f) => f.name);
      expect(features.filter((f) => !inputs.has(f)), `${m.file}: features that are not inputs`).toEqual([]);
      const rest = [...inputs].filter((i) => !features.includes(i)).sort();
      if (m.file === 'global.onnx') {
        expect(rest, m.file).toEqual([]);
        expect(described.find((f) => f.name === graph.meta!.name)).toMatchObject({ kind: 'dense', size: graph.nodes[graph.meta!.embedding]!.shape[1] });
      } else expect(rest, m.file).toEqual(['support.mask', ...tasks].sort());
    }
  });
});
