// The large spec of bench/lsp.mjs and of the language-server and incremental-analysis tests (the
// same text for the same `n`): about `n` lines, blocks of six lines, then a model whose `let`s
// chain calls to them, each block calling `poso.gate`.

/** @param {number} n @returns {{ text: string, lets: number }} */
export function generateSpec(n) {
  const blocks = Math.round((n * 0.3) / 6);
  const out = ['use std.poso', ''];
  for (let b = 0; b < blocks; b++) {
    out.push(`/// Block ${b}: a gated dense layer.`, `block unit${b}(x: tensor, pc: tensor, width: int = 16) {`, '  let h = relu(dense(x, width))', '  return h * poso.gate(pc, width)', '}', '');
  }
  out.push('model big {', '  features {', '    user_id: id(hash: 1000, dim: 16)', '    avc: bucketize(boundaries: [1, 10, 100], dim: 4)', '    clicked: label', '  }', '  pc group = avc');
  let prev = 'user_id';
  let i = 0;
  while (out.length < n - 3) {
    out.push(`  let v${i} = unit${i % blocks}(${prev}, group, width: 16)`);
    prev = `v${i++}`;
  }
  out.push(`  task click : binary(label: clicked) { from: ${prev} }`, '}', '');
  return { text: out.join('\n'), lets: i };
}
