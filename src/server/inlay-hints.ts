// Inlay hints: the shape of each tensor a model's `let` and `pc` hold, after the name, as the
// elaborator inferred it (`let trunk: [batch, 128] = …`). A block's `let`s have no one shape (each
// call may give another), so they get none; nor does a name whose model did not elaborate.
import { InlayHintKind, type InlayHint } from 'vscode-languageserver/node.js';
import type { Analysis } from '../semantics/analyze.js';
import { asTensor } from '../semantics/types.js';
import { toRange } from './documents.js';

/** The hints of the model's items whose names lie in [start, end] (offsets). */
export function inlayHints(a: Analysis, start: number, end: number): InlayHint[] {
  const scope = a.model?.scope;
  const model = a.ast.items.find((i) => i.kind === 'Model');
  if (!scope || !model) return [];
  const hints: InlayHint[] = [];
  for (const item of model.items) {
    if (item.kind !== 'Let' && item.kind !== 'Pc') continue;
    const name = item.name;
    if (!name?.name || name.span.end.offset < start || name.span.start.offset > end) continue;
    // The binding this item made: a later item of the same name (an error) made another.
    const b = scope.lookup(name.name);
    if (!b?.span || b.span.file !== name.span.file || b.span.start.offset !== name.span.start.offset) continue;
    const t = asTensor(b.value);
    if (!t) continue;
    hints.push({ position: toRange(name.span).end, label: `: [${t.shape.join(', ')}]`, kind: InlayHintKind.Type, tooltip: `${t.dtype} tensor` });
  }
  return hints;
}
