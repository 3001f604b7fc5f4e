// Pass: remove what no task output depends on. Blocks may compute more than a model uses (the
// last CGC layer's shared gate, a list of towers of which a spec reads two); their nodes and
// parameters would otherwise be trained for nothing and shipped to serving. Feature inputs stay:
// they are the serving interface.
import type { IRGraph } from '../types.js';

export function prune(g: IRGraph): IRGraph {
  const live = new Set<number>();
  const stack = [...g.tasks.flatMap((t) => [t.output, t.logit]), ...Object.values(g.inputs)];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (live.has(id)) continue;
    live.add(id);
    stack.push(...g.nodes[id]!.inputs);
  }
  const remap = new Map<number, number>();
  const nodes = g.nodes.filter((n) => live.has(n.id)).map((n, i) => {
    remap.set(n.id, i);
    return n;
  });
  const renumbered = nodes.map((n) => ({ ...n, id: remap.get(n.id)!, inputs: n.inputs.map((i) => remap.get(i)!) }));
  const liveParams = new Set(renumbered.filter((n) => n.op === 'param').map((n) => String(n.attrs.name)));
  const at = (id: number) => remap.get(id)!;
  return {
    ...g,
    nodes: renumbered,
    params: g.params.filter((p) => liveParams.has(p.name)),
    inputs: Object.fromEntries(Object.entries(g.inputs).map(([k, v]) => [k, at(v)])),
    tasks: g.tasks.map((t) => ({ ...t, output: at(t.output), logit: at(t.logit) })),
    pcs: g.pcs.filter((p) => remap.has(p.node)).map((p) => ({ ...p, node: at(p.node) })),
    instances: g.instances
      .map((inst) => ({ ...inst, params: inst.params.filter((p) => liveParams.has(p)), nodes: inst.nodes.filter((n) => remap.has(n)).map(at) }))
      .filter((inst) => inst.nodes.length > 0),
  };
}
