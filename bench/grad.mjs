// The IR gradient graph of the POSO models at batch 1024: its size (IR nodes of the forward and
// of the gradient, ONNX nodes), and the time of one gradient evaluation (every parameter's
// gradient of a random-weighted sum of the task outputs) in onnxruntime-node (1 thread, spinning
// off) next to TensorFlow.js's tape on wasm (1 thread), and the same IR gradient graph through the
// TF.js lowering. Measured, not asserted. Run after `npm run build`:
//   node bench/grad.mjs [runs]
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import pkg from 'onnx-proto';
import { GraphAppender } from '../dist/ir/append.js';
import { decomposeWithIds } from '../dist/ir/passes/decompose.js';
import { grad } from '../dist/ir/passes/grad.js';
import { reached } from '../dist/ir/reach.js';
import { lowerFunction } from '../dist/lower/onnx/function.js';
import { initBackend } from '../dist/lower/tfjs/backend.js';
import { buildForward } from '../dist/lower/tfjs/forward.js';
import { initWeights } from '../dist/lower/tfjs/init.js';
import { analyzeFile } from '../dist/semantics/analyze.js';

const root = join(fileURLToPath(import.meta.url), '../..');
const runs = Number(process.argv[2] ?? 20);
const BATCH = 1024;
const { tf } = await initBackend('wasm');

let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
async function time(fn) {
  for (let i = 0; i < 3; i++) await fn();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

for (const spec of ['examples/poso-movielens.rec', 'bench/poso-reference.rec']) {
  const model = analyzeFile(join(root, spec)).graph;
  // the objective: Σ over tasks of output ⊙ r, r random [batch, classes] (inputs `objective.<task>`)
  const a = new GraphAppender(model);
  let total;
  const values = {};
  for (const t of model.tasks) {
    const name = `objective.${t.name}`;
    values[name] = { data: Float32Array.from({ length: BATCH * t.classes }, () => rand() * 2 - 1), shape: [BATCH, t.classes] };
    const term = a.add('sum_to', [a.add('mul', [t.output, a.input(name, 'float32', ['batch', t.classes])])], { shape: [], axes: [0, 1] });
    total = total === undefined ? term : a.add('add', [total, term]);
  }
  const withObjective = a.finish([total]);
  const objective = withObjective.at(total);
  const { graph: expanded, at } = decomposeWithIds(withObjective.graph);
  const params = expanded.nodes.filter((n) => n.op === 'param');
  const { graph, grads } = grad(expanded, at(objective), params.map((n) => n.id));

  // random inputs: ids within each input's table, dense values in [-1, 1)
  for (const [name, id] of Object.entries(model.inputs)) {
    const n = model.nodes[id];
    const f = model.features.find((x) => x.name === name);
    const size = BATCH * n.shape.slice(1).reduce((p, q) => p * q, 1);
    values[name] = { data: n.dtype === 'int32' ? Int32Array.from({ length: size }, () => 1 + Math.floor(rand() * (f.rows - 1))) : Float32Array.from({ length: size }, () => rand() * 2 - 1), shape: [BATCH, ...n.shape.slice(1)] };
  }
  const weights = initWeights(model, 1);

  const outputs = { objective: at(objective) };
  params.forEach((n, k) => grads[k] !== undefined && (outputs[`grad:${n.attrs.name}`] = grads[k]));
  const bytes = lowerFunction(graph, { outputs, weights });
  const onnxNodes = pkg.onnx.ModelProto.decode(bytes).graph.node.length;
  const forwardNodes = reached(expanded, [at(objective)]).length;
  const allNodes = reached(graph, Object.values(outputs)).length;
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  const feeds = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.data instanceof Int32Array ? new ort.Tensor('int64', BigInt64Array.from(v.data, BigInt), v.shape) : new ort.Tensor('float32', v.data, v.shape)]));
  const ortMs = await time(() => session.run(feeds));

  // TF.js: the tape through the model's forward (the trainer's way), and the IR gradient graph lowered
  const forward = buildForward(tf, withObjective.graph, undefined, { also: [objective] });
  const vars = Object.fromEntries(model.params.map((p) => [p.name, tf.variable(tf.tensor(weights[p.name], p.shape), true, `${spec}:${p.name}`)]));
  const inputs = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.tensor(v.data, v.shape, v.data instanceof Int32Array ? 'int32' : 'float32')]));
  const tapeMs = await time(() => {
    const { value, grads: g } = tf.variableGrads(() => forward(vars, inputs).nodes.get(objective), Object.values(vars));
    for (const t of Object.values(g)) t.dataSync();
    tf.dispose([value, ...Object.values(g)]);
  });
  const gradForward = buildForward(tf, graph, undefined, { also: Object.values(outputs) });
  const plain = Object.fromEntries(model.params.map((p) => [p.name, vars[p.name]]));
  const loweredMs = await time(() =>
    tf.tidy(() => {
      const { nodes } = gradForward(plain, inputs);
      for (const id of Object.values(outputs)) nodes.get(id).dataSync();
    }),
  );
  tf.dispose([...Object.values(vars), ...Object.values(inputs)]);

  console.log(`${spec}: ${model.params.length} parameters, batch ${BATCH}, median of ${runs}`);
  console.log(`  IR nodes: forward ${forwardNodes}, forward + gradients ${allNodes} (${allNodes - forwardNodes} for the gradients); ONNX nodes ${onnxNodes}`);
  console.log(`  onnxruntime, IR gradient graph:   ${ortMs.toFixed(1).padStart(7)} ms`);
  console.log(`  TF.js wasm, tape (tf.variableGrads): ${tapeMs.toFixed(1).padStart(7)} ms   (${(tapeMs / ortMs).toFixed(1)}× onnxruntime's time)`);
  console.log(`  TF.js wasm, IR gradient graph:    ${loweredMs.toFixed(1).padStart(7)} ms   (${(loweredMs / ortMs).toFixed(1)}× onnxruntime's time)`);
}
