// Parameter and FLOP counts of the POSO example, computed by hand from the spec:
//
// Embeddings (rows = buckets + 1, boundaries + 2):
//   user_id 20_001×16 = 320_016   movie_id 20_001×16 = 320_016 (shared by rated_movies)
//   rated_tags 4_001×16 = 64_016   avc 8×8 = 64                  → 704_112
// Trunk input: concat(user_id, movie_id) 32 + avc 8 + mean(rated_movies) 16 + mean(rated_tags) 16 = 72.
// poso.mlp(units: [256, 128], pc: avc (8), gate hidden 32):
//   gate0  = dense 8→32 (288) + dense 32→256 (8_448) = 8_736     dense0 72→256  = 18_688
//   gate1  = dense 8→32 (288) + dense 32→128 (4_224) = 4_512     dense1 256→128 = 32_896
//   trunk  = 64_832 (the same MLP without POSO: 51_584)
// Each task: tower dense 128→64 (8_256) + out 64→1 (65) = 8_321; two tasks = 16_642.
// Total = 704_112 + 64_832 + 16_642 = 785_586.
//
// FLOPs per sample (a multiply-add is 2, an element-wise op 1 per output element):
//   dense K→N = 2KN + N (bias).  gate(width w) = dense 8→32 (544) + relu 32
//     + dense 32→w (64w + w) + sigmoid w + scale w  → gate0 (w=256) 17_728, gate1 (w=128) 9_152
//   layer = dense + relu + gate product: layer0 = 37_120 + 256 + 256, layer1 = 65_664 + 128 + 128
//   trunk = 17_728 + 37_632 + 9_152 + 65_920 = 130_432 (without POSO: 103_168)
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphStats } from '../../src/ir/stats.js';
import { analyzeFile } from '../../src/semantics/analyze.js';

const EXAMPLES = join(import.meta.dirname, '../../examples');

describe('recc stats on the POSO example', () => {
  const a = analyzeFile(join(EXAMPLES, 'poso-movielens.rec'));
  it('elaborates without errors', () => {
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
  const s = graphStats(a.graph!);
  const inst = (path: string) => s.instances.find((i) => i.path === path)!;

  it('counts parameters as computed by hand', () => {
    expect(s.embeddingParams).toBe(704_112);
    expect(inst('trunk').params).toBe(64_832);
    expect(inst('trunk.gate0').params).toBe(8_736);
    expect(inst('trunk.dense0').params).toBe(18_688);
    expect(inst('trunk.gate1').params).toBe(4_512);
    expect(inst('trunk.dense1').params).toBe(32_896);
    expect(inst('favorite.tower').params + inst('favorite.out').params).toBe(8_321);
    expect(s.totalParams).toBe(785_586);
  });

  it('counts FLOPs as computed by hand', () => {
    expect(inst('trunk.gate0').flops).toBe(17_728);
    expect(inst('trunk.gate1').flops).toBe(9_152);
    expect(inst('trunk').flops).toBe(130_432);
  });

  it('shows POSO as a small overhead on the same MLP (POSO Table 1)', () => {
    const gates = inst('trunk.gate0').params + inst('trunk.gate1').params;
    expect(inst('trunk').params - gates).toBe(51_584);
    expect(inst('trunk').flops - inst('trunk.gate0').flops - inst('trunk.gate1').flops - 256 - 128).toBe(103_168);
  });
});
