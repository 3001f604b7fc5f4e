// The columns a model reads, checked against its data before it trains: a synthetic setting's
// columns are fixed by its name (`data: synth(poso)`), and a data file names them (a CSV or TSV
// header, a JSON Lines file's first object, a Parquet footer: data/file-columns.ts), read under
// the file policy and tracked like a vocabulary. Each column a stage's data lacks is a warning at
// the spec text that reads it, not an error: the same spec may train on a file of its own
// (`recc train --data FILE`) that has it.
import { dirname, relative, resolve } from 'node:path';
import { keyColumns, neededColumns } from '../data/needed-columns.js';
import { synthColumns } from '../data/synth/settings.js';
import { didYouMean, fixWith, suggestNames } from '../diagnostics/suggest.js';
import type { Span } from '../diagnostics/span.js';
import { isRefusal } from '../io/file-policy.js';
import { planOf, stageGraph } from '../ir/plan.js';
import type { DataSource, IRGraph } from '../ir/types.js';
import type { Expr, Field } from '../syntax/ast.js';
import { forEachChild } from '../syntax/visit.js';
import type { Elaborator, Frame } from './elaborate.js';
import type { ReadChecked } from './modules.js';

/** Where a stage's settings are written: the stage's own fields, then the model's train section (a stage inherits what it does not set). */
export type SettingFields = (stage: string) => Field[];

/** A data source's columns and how to name it in a message (`synth(poso)`, `ratings.csv`). */
export interface DataColumns {
  name: string;
  columns: readonly string[];
}

/**
 * Check every stage's data; returns the columns of the model's own data (the train section's),
 * when they are known, for completion.
 */
export function checkDataColumns(el: Elaborator, graph: IRGraph, fieldsOf: SettingFields, readFile: ReadChecked, f: Frame): DataColumns | undefined {
  const seen = new Set<string>();
  // stages that inherit the model's data share its source: read it once
  const known = new Map<DataSource, ReturnType<typeof columnsOf>>();
  const columns = (data: DataSource) => (known.has(data) ? known.get(data) : known.set(data, columnsOf(data, graph.file, readFile)).get(data));
  for (const stage of planOf(graph).stages) {
    const g = stageGraph(graph, stage);
    const data = g.train.data;
    const has = data && columns(data);
    const fields = fieldsOf(stage.name);
    if (has && 'refused' in has) {
      // once per file, at the `data:` that names it (the stage's own, or the model's)
      if (seen.has(`${has.name}\0`)) continue;
      seen.add(`${has.name}\0`);
      const at = fields.find((x) => x.name.name === 'data')?.value.span ?? graph.nodes[0]!.span;
      el.report('REC6022', at, `${has.refused}: training on it fails`, f, { hint: 'fix the path, or train on another file (`recc train --data FILE`)' });
      continue;
    }
    if (!has) continue;
    for (const n of neededColumns(g, keyColumns(g))) {
      if (has.columns.includes(n.column) || seen.has(`${has.name}\0${n.column}`)) continue;
      seen.add(`${has.name}\0${n.column}`);
      // A key column written in the settings can be replaced by the nearest column. A feature or a
      // label reads its column through its declaration, so no one name in the text is the fix.
      const written = n.site ? undefined : writtenIn(fields, n.column);
      const alts = written ? suggestNames(n.column, has.columns) : [];
      const list = `its columns are ${has.columns.map((c) => `\`${c}\``).join(', ')}`;
      const fixes = written ? fixWith(alts, written.span, 'use').map((x) => (written.quoted ? { ...x, text: JSON.stringify(x.text) } : x)) : [];
      const at = written?.span ?? n.site ?? fields.find((x) => x.name.name === 'data')?.value.span ?? graph.nodes[0]!.span;
      el.report('REC6021', at, `${has.name} has no column \`${n.column}\`, which ${n.by} reads: training on it fails`, f, {
        hint: `${alts.length > 0 ? `${didYouMean(alts)} Or` : `${list}; or`} train on data that has it (\`recc train --data FILE\`)`,
        suggestions: fixes,
      });
    }
  }
  const own = graph.train.data && columns(graph.train.data);
  return own && 'columns' in own ? own : undefined;
}

/**
 * The columns of a data source and how to name it, when they can be known before training; or
 * why its file cannot be read (training opens it the same way, and fails).
 */
function columnsOf(data: DataSource, specFile: string, readFile: ReadChecked): DataColumns | { name: string; refused: string } | undefined {
  if (data.kind === 'synth') {
    const known = synthColumns(data.setting, data.options.version);
    return 'error' in known ? undefined : { name: `synth(${data.setting})`, columns: known.columns }; // an unknown one is reported where it is written
  }
  const path = resolve(dirname(specFile), data.path);
  const read = readFile(path, 'data-columns');
  const shown = relative(dirname(specFile), path);
  const name = shown.startsWith('..') ? path : shown;
  if (isRefusal(read)) return { name, refused: read.error };
  // null: a file whose columns cannot be read before training (a format that names none)
  const columns = JSON.parse(read.text) as string[] | null;
  return columns ? { name, columns } : undefined;
}

/** Where the settings write `column`, as a name or a string (`by_key(user_id)`, `group_by: "is_new"`). */
function writtenIn(fields: Field[], column: string): { span: Span; quoted: boolean } | undefined {
  let found: { span: Span; quoted: boolean } | undefined;
  const walk = (e: Expr): void => {
    if (found) return;
    if ((e.kind === 'Name' && e.name === column) || (e.kind === 'String' && e.value === column)) found = { span: e.span, quoted: e.kind === 'String' };
    else forEachChild(e, walk);
  };
  for (const fl of fields) if (fl.name.name !== 'data') walk(fl.value);
  return found;
}
