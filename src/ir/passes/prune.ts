// Pass: remove what no entry's outputs or objective depend on. Blocks may compute more than a
// model uses (the last CGC layer's shared gate, a list of towers of which a spec reads two); their
// nodes and parameters would otherwise be trained for nothing and shipped to serving. Feature
// inputs stay: they are the serving interface.
import { reached, referencedNodes } from '../reach.js';
import { renumbered, withNodes } from '../renumber.js';
import type { IRGraph } from '../types.js';

export function prune(g: IRGraph): IRGraph {
  const roots = [...referencedNodes(g), ...Object.values(g.inputs)];
  const live = new Set(reached(g, roots));
  const remap = new Map<number, number>();
  const nodes = g.nodes.filter((n) => live.has(n.id)).map((n, i) => {
    remap.set(n.id, i);
    return n;
  });
  const moved = nodes.map((n) => renumbered(n, remap.get(n.id)!, (i) => remap.get(i)!));
  const liveParams = new Set(moved.filter((n) => n.op === 'param').map((n) => String(n.attrs.name)));
  const keepLive = (names: string[]) => names.filter((p) => liveParams.has(p));
  const pruned = withNodes(g, moved, remap);
  return {
    ...pruned,
    params: g.params.filter((p) => liveParams.has(p.name)),
    instances: pruned.instances.map((inst) => ({ ...inst, params: inst.params.filter((p) => liveParams.has(p)) })).filter((inst) => inst.nodes.length > 0),
    ...(g.groups ? { groups: Object.fromEntries(Object.entries(g.groups).map(([k, v]) => [k, keepLive(v)])) } : {}),
    ...(g.plan
      ? {
          plan: {
            stages: g.plan.stages.map((s) => ({
              ...s,
              trainable: keepLive(s.trainable),
              frozen: keepLive(s.frozen),
              optimizers: s.optimizers.map((o) => ({ ...o, params: keepLive(o.params) })).filter((o) => o.params.length > 0),
            })),
          },
        }
      : {}),
  };
}
