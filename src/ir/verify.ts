// IR invariants, checked after elaboration and after every pass (tests call it too). A failure
// is a compiler bug, never a user error: it returns messages for the test to show.
import { getOp } from '../ops/registry.js';
import { sameShape } from '../ops/shapes.js';
import { entryProblems } from './entry.js';
import { supportInputNames } from './support-inputs.js';
import type { IRGraph, IRNode } from './types.js';

/** The input node of a feature; names are the user's, so an inherited `toString` is no input. */
const inputOf = (g: IRGraph, name: string): number | undefined => (Object.hasOwn(g.inputs, name) ? g.inputs[name] : undefined);

export function verify(g: IRGraph): string[] {
  const problems: string[] = [];
  const paramNames = new Set<string>();
  for (const p of g.params) {
    if (paramNames.has(p.name)) problems.push(`param ${p.name} declared twice`);
    paramNames.add(p.name);
    if (p.shape.some((d) => !Number.isInteger(d) || d <= 0)) problems.push(`param ${p.name} has shape [${p.shape.join(', ')}]`);
  }
  const declaredParamNodes = new Set<string>();
  // This runs after every pass, over every node: no closure or array is made per node but the
  // inputs handed to the shape rule (a node is its own ShapeIn), and messages only for a failure.
  const where = (i: number, n: IRNode) => `node ${i} (${n.op})`;
  const nodes = g.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.id !== i) problems.push(`${where(i, n)}: id ${n.id} is not its index`);
    const op = getOp(n.op);
    if (!op) {
      problems.push(`${where(i, n)}: unknown op`);
      continue;
    }
    const ins: IRNode[] = [];
    let inputsEarlier = true;
    for (const inp of n.inputs) {
      if (inp >= 0 && inp < i) ins.push(nodes[inp]!);
      else {
        inputsEarlier = false;
        problems.push(`${where(i, n)}: input ${inp} is not an earlier node`);
      }
    }
    for (let axis = 0; axis < n.shape.length; axis++) {
      const d = n.shape[axis];
      if (d === 'batch' && axis !== 0) problems.push(`${where(i, n)}: batch at axis ${axis}`);
      if (d !== 'batch' && !(Number.isInteger(d) && d! > 0)) problems.push(`${where(i, n)}: dimension ${d}`);
    }
    if (n.op === 'param') {
      const name = String(n.attrs.name);
      if (!paramNames.has(name)) problems.push(`${where(i, n)}: param ${name} is not declared`);
      if (declaredParamNodes.has(name)) problems.push(`${where(i, n)}: param ${name} has two nodes`);
      declaredParamNodes.add(name);
    }
    if (n.op === 'input' && inputOf(g, String(n.attrs.feature)) !== i) problems.push(`${where(i, n)}: input ${n.attrs.feature} is not registered`);
    if (!inputsEarlier) continue; // the shape rule needs every input
    const r = op.infer(ins, n.attrs);
    if ('error' in r) problems.push(`${where(i, n)}: shape rule fails: ${r.error}`);
    else if (r.dtype !== n.dtype || !sameShape(r.shape, n.shape)) problems.push(`${where(i, n)}: stored [${n.shape}] ${n.dtype} but the rule gives [${r.shape}] ${r.dtype}`);
  }
  for (const p of g.params) if (!declaredParamNodes.has(p.name)) problems.push(`param ${p.name} has no node`);
  for (const t of g.tasks) {
    for (const id of [t.output, t.logit, ...(t.evaluation !== undefined ? [t.evaluation] : [])]) if (!g.nodes[id]) problems.push(`task ${t.name}: node ${id} does not exist`);
    const out = g.nodes[t.output];
    if (out && (out.shape.length !== 2 || out.shape[0] !== 'batch' || out.shape[1] !== t.classes)) problems.push(`task ${t.name}: output shape [${out.shape}] is not [batch, ${t.classes}]`);
  }
  for (const f of g.features) {
    if (f.kind !== 'label' && inputOf(g, f.name) === undefined) problems.push(`feature ${f.name} has no input node`);
  }
  for (const s of g.supports ?? []) {
    for (const input of supportInputNames(s)) if (inputOf(g, input) === undefined) problems.push(`support set ${s.name} has no input node ${input}`);
  }
  for (const [name, e] of Object.entries(g.entries ?? {})) problems.push(...entryProblems(g, name, e));
  for (const [group, members] of Object.entries(g.groups ?? {})) for (const p of members) if (!paramNames.has(p)) problems.push(`group ${group}: parameter ${p} is not declared`);
  for (const s of g.plan?.stages ?? []) {
    if (!g.entries?.[s.entry]) problems.push(`stage ${s.name}: entry ${s.entry} does not exist`);
    const assigned = s.optimizers.flatMap((o) => o.params);
    const trainable = new Set(s.trainable);
    if (assigned.length !== s.trainable.length || new Set(assigned).size !== assigned.length || assigned.some((p) => !trainable.has(p))) problems.push(`stage ${s.name}: the optimizers do not cover its trainable parameters once each`);
  }
  return problems;
}
