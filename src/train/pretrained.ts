// Starting a run from another run's weights (`recc train SPEC --init FILE [--from STAGE]`):
// PeterRec's fine-tuning job reads the pretraining job's weights. The run starts at stage
// `from` (default the first), and the weights file supplies, by name, what that stage must not
// start fresh: every parameter of its entry that a skipped earlier stage reads (the pretrained
// network) and every parameter it freezes. One of those missing from the file, or of another
// shape, is an error naming it and what the file holds near it (a renamed block would otherwise
// train, or freeze, fresh weights). Every other parameter of the file that the spec has is
// loaded too (FineAll starts from the pretrained weights); parameters the spec has and the file
// lacks (a new head, the patches) keep their fresh values, and so do those the file holds in
// another shape (a head with other classes), named in the log line; the file's others are
// ignored. A file of which nothing fits is an error: the run would train from scratch.
import { suggestNames } from '../diagnostics/suggest.js';
import type { TrainPlan } from '../ir/plan.js';
import type { IRGraph } from '../ir/types.js';
import type { NamedTensor } from '../io/safetensors.js';

export interface Pretrained {
  /** The file, for messages. */
  file: string;
  tensors: Record<string, NamedTensor>;
  /** The stage to start at (default: the first). */
  from?: string;
}

const MAX_LISTED = 8;

/**
 * Names of the file that may be `name` under another path: those ending with the most of its last
 * segments (a renamed block: `net.residual0.ln1.gamma` for `backbone.residual0.ln1.gamma`), else
 * those close in spelling.
 */
function nearNames(name: string, names: readonly string[]): string[] {
  const parts = name.split('.');
  for (let k = parts.length - 1; k >= 2; k--) {
    const tail = `.${parts.slice(-k).join('.')}`;
    const found = names.filter((n) => n.endsWith(tail));
    if (found.length > 0) return found.slice(0, 2);
  }
  return suggestNames(name, names).slice(0, 2);
}

/** The stage index to start at and the weights to start from, or what is wrong. */
export function startFromPretrained(
  graph: IRGraph,
  plan: TrainPlan,
  fresh: Record<string, Float32Array>,
  p: Pretrained,
): { stage: number; weights: Record<string, Float32Array>; loaded: number; ignored: number; reshaped: string[] } | { error: string } {
  const k = p.from === undefined ? 0 : plan.stages.findIndex((s) => s.name === p.from);
  if (k < 0) {
    const alts = suggestNames(p.from!, plan.stages.map((s) => s.name));
    return { error: `--from: the spec has no stage \`${p.from}\` (its stages: ${plan.stages.map((s) => `\`${s.name}\``).join(', ')})${alts.length > 0 ? `; did you mean \`${alts[0]}\`?` : ''}` };
  }
  const stage = plan.stages[k]!;
  const reads = new Set([...stage.trainable, ...stage.frozen]);
  const skipped = new Set(plan.stages.slice(0, k).flatMap((s) => [...s.trainable, ...s.frozen]));
  const frozen = new Set(stage.frozen);
  const shapes = new Map(graph.params.map((q) => [q.name, q.shape]));
  const has = (n: string) => Object.hasOwn(p.tensors, n);
  const problems: string[] = [];
  const names = Object.keys(p.tensors);
  for (const name of reads) {
    if (!skipped.has(name) && !frozen.has(name)) continue;
    const want = shapes.get(name)!;
    if (!has(name)) {
      const near = nearNames(name, names);
      problems.push(`\`${name}\` [${want.join(', ')}] is not in the file${near.length > 0 ? `; it has ${near.map((n) => `\`${n}\``).join(', ')}` : ''}`);
    } else if (p.tensors[name]!.shape.join() !== want.join()) {
      problems.push(`\`${name}\` is [${p.tensors[name]!.shape.join(', ')}] in the file, the spec wants [${want.join(', ')}]`);
    }
  }
  if (problems.length > MAX_LISTED) problems.splice(MAX_LISTED, problems.length, `… and ${problems.length - MAX_LISTED} more`);
  if (problems.length > 0) {
    const why = k > 0 ? `stage \`${stage.name}\` starts from the stages before it, whose parameters it reads, and from what it freezes` : `stage \`${stage.name}\` freezes parameters that must come from the file`;
    return { error: `${p.file} does not hold the pretrained weights this run needs (${why}); was a block renamed?\n${problems.map((l) => `  ${l}`).join('\n')}` };
  }
  const weights = { ...fresh };
  let loaded = 0;
  const reshaped: string[] = [];
  for (const [name, t] of Object.entries(p.tensors)) {
    const want = shapes.get(name);
    if (want && t.shape.join() !== want.join()) reshaped.push(`\`${name}\` is [${t.shape.join(', ')}] in the file, [${want.join(', ')}] in the spec`);
    if (!want || t.shape.join() !== want.join()) continue;
    weights[name] = t.data;
    loaded++;
  }
  if (loaded === 0) {
    const why = reshaped.length > 0 ? `: ${reshaped.slice(0, 3).join('; ')}${reshaped.length > 3 ? `; … (${reshaped.length} in all)` : ''}` : names.length > 0 ? `; it holds ${names.slice(0, 3).map((n) => `\`${n}\``).join(', ')}${names.length > 3 ? ', …' : ''}` : ': it holds no tensor';
    return { error: `${p.file} holds no parameter of this spec in the spec's shape, so --init would start nothing from it${why}` };
  }
  return { stage: k, weights, loaded, ignored: names.length - loaded - reshaped.length, reshaped };
}
