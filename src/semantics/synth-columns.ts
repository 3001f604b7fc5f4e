// A model trained on a synthetic setting (`data: synth(poso)`) reads columns whose names the
// setting fixes before any row is made, so the checker can say which ones it lacks, at the spec's
// line, instead of training failing on the first row. A warning, not an error: the same spec may
// train on a file of its own (`recc train --data FILE`) that has them.
import { keyColumns, neededColumns } from '../data/needed-columns.js';
import { synthColumns } from '../data/synth/settings.js';
import { didYouMean, fixWith, suggestNames } from '../diagnostics/suggest.js';
import type { Span } from '../diagnostics/span.js';
import type { IRGraph } from '../ir/types.js';
import type { Expr, TrainSection } from '../syntax/ast.js';
import { forEachChild } from '../syntax/visit.js';
import type { Elaborator, Frame } from './elaborate.js';

export function checkSynthColumns(el: Elaborator, graph: IRGraph, train: TrainSection | undefined, f: Frame): void {
  const data = graph.train.data;
  if (data?.kind !== 'synth') return;
  const known = synthColumns(data.setting, data.options.version);
  if ('error' in known) return; // the train section reported it
  const dataField = train?.fields.find((x) => x.name.name === 'data');
  const setting = `synth(${data.setting})`;
  for (const n of neededColumns(graph, keyColumns(graph))) {
    if (known.columns.includes(n.column)) continue;
    // A column named in the train section (a split or metric key, `group_by`) or in a label is
    // written where it is read: that text can be replaced by the nearest column.
    const written = n.site ? (sameText(n.site, n.column) ? { span: n.site, quoted: false } : undefined) : train && writtenIn(train, n.column);
    const alts = written ? suggestNames(n.column, known.columns) : [];
    const has = `its rows have ${known.columns.map((c) => `\`${c}\``).join(', ')}`;
    const fixes = written ? fixWith(alts, written.span, 'use').map((x) => (written.quoted ? { ...x, text: JSON.stringify(x.text) } : x)) : [];
    el.report('REC6021', written?.span ?? n.site ?? dataField?.value.span ?? graph.nodes[0]!.span, `${setting} has no column \`${n.column}\`, which ${n.by} reads: training on it fails`, f, {
      hint: `${alts.length > 0 ? `${didYouMean(alts)} Or` : `${has}; or`} train on a file that has it (\`recc train --data FILE\`)`,
      suggestions: fixes,
    });
  }
}

/** Whether a span is one name's width (a label's column as written). */
const sameText = (s: Span, name: string) => s.end.offset - s.start.offset === name.length;

/** Where the train section writes `column`, as a name or a string (`by_key(user_id)`, `group_by: "is_new"`). */
function writtenIn(train: TrainSection, column: string): { span: Span; quoted: boolean } | undefined {
  let found: { span: Span; quoted: boolean } | undefined;
  const walk = (e: Expr): void => {
    if (found) return;
    if ((e.kind === 'Name' && e.name === column) || (e.kind === 'String' && e.value === column)) found = { span: e.span, quoted: e.kind === 'String' };
    else forEachChild(e, walk);
  };
  for (const fl of train.fields) if (fl.name.name !== 'data') walk(fl.value);
  return found;
}
