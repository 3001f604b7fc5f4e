// Global gradient-norm clipping on arrays (one norm over all gradients together, as
// torch.nn.utils.clip_grad_norm_ and clip-norm.ts on tensors): the gradients are scaled in place
// when their norm exceeds `max`. Row 0 of a padded table is left out of the norm (a padding row is
// a constant no optimizer moves, src/ir/padding-rows.ts).

export function clipArrays(grads: ReadonlyArray<{ param: string; g: Float32Array; width: number }>, max: number, padded: ReadonlySet<string>): number {
  let sq = 0;
  for (const { param, g, width } of grads) {
    for (let i = padded.has(param) ? width : 0; i < g.length; i++) sq += g[i]! * g[i]!;
  }
  const norm = Math.sqrt(sq);
  if (!(norm > max)) return norm;
  const scale = max / norm;
  for (const { g } of grads) for (let i = 0; i < g.length; i++) g[i] = g[i]! * scale;
  return norm;
}
