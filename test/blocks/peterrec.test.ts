// std.peterrec against PeterRec's equations as the official code has them (design/papers.md):
// two NextItNet residual blocks (dilations 1,2 and 2,4: the second conv doubles the first's),
// the user vector (the last valid position), the next-item head, and the model patch grafted
// serially (after each conv, before its layer norm) and in parallel (beside each conv, with the
// official code's extra copy of x), by a fine-tuning stage's `graft:`. Each against an
// independent NumPy program (reference/peterrec.py) on seeded random weights, every bias, layer
// norm and patch weight set to non-trivial values (the patch's zero-initialised up-projection
// would otherwise hide the patch), in TF.js and in ONNX (onnxruntime). Sequences are right-padded
// with different lengths (5, 3, 1, 4), so the user vector must find each one's last item.
import { compile, describe, probes, referenceChecks, type Input } from './helpers.js';

const features = (maxLen: number) => `  features {
    items: seq(id(hash: 12, dim: 4), max_len: ${maxLen})
    y: label
  }
  let net = peterrec.nextitnet(items, dilations: [1, 2])
  let flat = flatten(net)
  let user = peterrec.user_vector(net)`;
const FEATURES = features(5);

const plain = (maxLen: number, next = true) => `use std.peterrec
model m {
${features(maxLen)}
${next ? '  task next : next_item(items) { from: net }' : ''}
${probes('flat', 4 * maxLen)}
${probes('user', 4)}
}`;
const PLAIN = plain(5);

const grafted = (mode: string) => `use std.peterrec
model m {
${FEATURES}
  stage pre {
    task next : next_item(items) { from: net }
  }
  stage tune {
    graft: { into: "net.*.conv*", patch: peterrec.${mode}(bottleneck: 2) }
${probes('flat', 20)}
${probes('user', 4)}
  }
}`;

const inputs: Record<string, Input> = {
  items: { shape: [4, 5], data: [3, 7, 1, 12, 5, 2, 9, 4, 0, 0, 6, 0, 0, 0, 0, 11, 8, 3, 10, 0], ids: true },
};

/** Values for the parameters initialised to constants (biases, layer norms, the patch's up-projection). */
function explicit(spec: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const p of compile(spec).params) {
    if (!/\.(b|gamma|beta|up|up_bias)$/.test(p.name)) continue;
    const n = p.shape.reduce((a, b) => a * b, 1);
    const base = p.name.endsWith('gamma') ? 1 : 0;
    out[p.name] = Array.from({ length: n }, (_, i) => base + 0.3 * Math.sin(1.7 * i + p.name.length));
  }
  return out;
}

describe('std.peterrec: NextItNet, the user vector and the next-item head', () => {
  referenceChecks({ spec: PLAIN, script: 'peterrec', block: 'nextitnet', config: { dilations: [1, 2], mode: 'plain', next: true }, inputs, widths: { flat: 20, user: 4 }, heads: ['next'], explicit: explicit(PLAIN) });
});

// A sequence of one position is its own last (the block sliced an empty range there: REC4003, found
// by a probe of the lowerings).
describe('std.peterrec: sequences of one item (max_len: 1)', () => {
  // no next-item head: it needs two items or more
  const spec = plain(1, false);
  const one: Record<string, Input> = { items: { shape: [4, 1], data: [3, 7, 1, 12], ids: true } };
  referenceChecks({ spec, script: 'peterrec', block: 'nextitnet', config: { dilations: [1, 2], mode: 'plain' }, inputs: one, widths: { flat: 4, user: 4 }, explicit: explicit(spec) });
});

for (const mode of ['serial', 'parallel']) {
  describe(`std.peterrec: patches grafted ${mode === 'serial' ? 'serially' : 'in parallel'}`, () => {
    const spec = grafted(mode);
    referenceChecks({ spec, script: 'peterrec', block: 'nextitnet', config: { dilations: [1, 2], mode }, inputs, widths: { flat: 20, user: 4 }, explicit: explicit(spec) });
  });
}
