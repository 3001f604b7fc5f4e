// The files a spec's run reads, for the output guards (src/io/output-path.ts): the spec itself,
// its vocabulary files, and the data files of its train section and of each stage. A directory written whole must hold none of them.
import { dirname, resolve } from 'node:path';
import { planOf } from '../ir/plan.js';
import type { IRGraph } from '../ir/types.js';

export function specInputs(graph: IRGraph): string[] {
  const files = new Set<string>([resolve(graph.file)]);
  for (const stage of planOf(graph).stages) {
    const d = stage.settings.data;
    if (d?.kind === 'file') files.add(resolve(dirname(graph.file), d.path));
  }
  for (const f of graph.features) {
    if ((f.kind === 'id' || f.kind === 'seq') && f.source.kind === 'vocab' && f.source.file) files.add(resolve(dirname(graph.file), f.source.file));
  }
  if (graph.train.data?.kind === 'file') files.add(resolve(dirname(graph.file), graph.train.data.path));
  return [...files];
}
