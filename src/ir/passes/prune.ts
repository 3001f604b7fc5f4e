// Pass: remove what no entry's outputs or objective depend on. Blocks may compute more than a
// model uses (the last CGC layer's shared gate, a list of towers of which a spec reads two); their
// nodes and parameters would otherwise be trained for nothing and shipped to serving. Feature
// inputs stay: they are the serving interface.
import type { Entry } from '../entry.js';
import type { IRGraph } from '../types.js';

export function prune(g: IRGraph): IRGraph {
  const live = new Set<number>();
  const entries = Object.values(g.entries ?? {});
  const stack = [
    ...g.tasks.flatMap((t) => [t.output, t.logit, ...(t.objective !== undefined ? [t.objective] : [])]),
    ...Object.values(g.inputs),
    ...entries.flatMap((e) => [...Object.values(e.inputs), ...Object.values(e.outputs), ...(e.objective !== undefined ? [e.objective] : [])]),
  ];
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
  const keepLive = (names: string[]) => names.filter((p) => liveParams.has(p));
  const entry = (e: Entry): Entry => ({
    inputs: Object.fromEntries(Object.entries(e.inputs).map(([k, v]) => [k, at(v)])),
    outputs: Object.fromEntries(Object.entries(e.outputs).map(([k, v]) => [k, at(v)])),
    ...(e.objective !== undefined ? { objective: at(e.objective) } : {}),
  });
  return {
    ...g,
    ...(g.entries ? { entries: Object.fromEntries(Object.entries(g.entries).map(([k, e]) => [k, entry(e)])) } : {}),
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
    nodes: renumbered,
    params: g.params.filter((p) => liveParams.has(p.name)),
    inputs: Object.fromEntries(Object.entries(g.inputs).map(([k, v]) => [k, at(v)])),
    tasks: g.tasks.map((t) => ({ ...t, output: at(t.output), logit: at(t.logit), ...(t.objective !== undefined ? { objective: at(t.objective) } : {}) })),
    pcs: g.pcs.filter((p) => remap.has(p.node)).map((p) => ({ ...p, node: at(p.node) })),
    instances: g.instances
      .map((inst) => ({ ...inst, params: inst.params.filter((p) => liveParams.has(p)), nodes: inst.nodes.filter((n) => remap.has(n)).map(at) }))
      .filter((inst) => inst.nodes.length > 0),
  };
}
