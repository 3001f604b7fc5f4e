// A model recc can hold: every model it trains or compiles is written as ONNX, whose files hold
// at most 2 GiB (protobuf's limit; recc writes no external data), and its weights are allocated
// whole, one typed array a tensor. A larger model is an error at the declaration of its largest
// tensor, before any command allocates it (which failed with a RangeError of the typed array, or
// ran the machine out of memory).
import type { ParamDecl } from '../ir/types.js';
import type { Elaborator, Frame } from './elaborate.js';

/** The bytes an ONNX model holds: 2 GiB. */
export const MAX_MODEL_BYTES = 2 ** 31;

const count = (n: number) => n.toLocaleString('en-US');
const bytes = (n: number) => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`);
const sizeOf = (p: ParamDecl) => p.shape.reduce((a, b) => a * b, 1);

/**
 * Report a model whose parameters take more than MAX_MODEL_BYTES as float32: those `declared`,
 * or when they do, those `live()` gives (what an entry reads: pruning drops the rest).
 */
export function checkModelSize(el: Elaborator, f: Frame, declared: readonly ParamDecl[], live: () => readonly ParamDecl[]): void {
  if (declared.reduce((a, p) => a + sizeOf(p), 0) * 4 <= MAX_MODEL_BYTES) return;
  const params = live();
  const total = params.reduce((a, p) => a + sizeOf(p), 0);
  if (total * 4 <= MAX_MODEL_BYTES) return;
  const largest = params.reduce((a, p) => (sizeOf(p) > sizeOf(a) ? p : a));
  const shape = largest.shape.map(count).join(' × ');
  el.report(
    'REC5013',
    largest.span,
    `the model has ${count(total)} parameters, ${bytes(total * 4)} as float32: more than the 2 GiB an ONNX model holds (recc writes no external data), so it can be neither trained nor compiled; ` +
      `the largest tensor, \`${largest.name}\` [${shape}], is ${bytes(sizeOf(largest) * 4)}`,
    f,
    { hint: 'make the largest tensors smaller: fewer `hash:` buckets, a smaller `dim:` or narrower layers' },
  );
}
