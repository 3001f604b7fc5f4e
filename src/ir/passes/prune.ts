// Pass: remove what no task output depends on. Blocks may compute more than a model uses (the
// last CGC layer's shared gate, a list of towers of which a spec reads two); their nodes and
// parameters would otherwise be trained for nothing and shipped to serving. Feature inputs stay:
// they are the serving interface.
import { reached } from '../reach.js';
import { withNodes } from '../renumber.js';
import type { IRGraph } from '../types.js';

export function prune(g: IRGraph): IRGraph {
  const live = new Set(reached(g, [...g.tasks.flatMap((t) => [t.output, t.logit]), ...Object.values(g.inputs)]));
  const remap = new Map<number, number>();
  const nodes = g.nodes.filter((n) => live.has(n.id)).map((n, i) => {
    remap.set(n.id, i);
    return n;
  });
  const renumbered = nodes.map((n) => ({ ...n, id: remap.get(n.id)!, inputs: n.inputs.map((i) => remap.get(i)!) }));
  const liveParams = new Set(renumbered.filter((n) => n.op === 'param').map((n) => String(n.attrs.name)));
  const pruned = withNodes(g, renumbered, remap);
  return {
    ...pruned,
    params: g.params.filter((p) => liveParams.has(p.name)),
    instances: pruned.instances.map((inst) => ({ ...inst, params: inst.params.filter((p) => liveParams.has(p)) })).filter((inst) => inst.nodes.length > 0),
  };
}
