// `recc compile SPEC -o OUT.onnx` / `--triton DIR`: the serving artefact (an ONNX file, or a
// Triton model repository), with trained weights from a safetensors checkpoint, or seeded random
// weights (said plainly) for serving smoke tests.
import { dirname, join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ensureWritableDir, removeStaleTemps, StagedWrites } from '../io/atomic-write.js';
import { refuseDirectoryOutput, refuseOutputOverInput } from '../io/output-path.js';
import { paddedTables, zeroPaddedTables } from '../ir/padding-rows.js';
import { entryNodes, getEntry, SERVE } from '../ir/entry.js';
import { supportInputNames } from '../ir/support-inputs.js';
import { lowerToOnnx } from '../lower/onnx/lower.js';
import { showShape } from '../ops/op.js';
import type { IRGraph } from '../ir/types.js';
import { servingModels } from '../lower/serving-models.js';
import { initWeights } from '../lower/tfjs/init.js';
import { tritonRepository, TRITON_VERSION } from '../lower/triton/repository.js';
import { intOption } from './int-option.js';
import { displayPath } from './output.js';
import { allowPathOption, policyOf } from './allow-path.js';
import { loadSpec } from './spec.js';
import { specInputs } from './spec-inputs.js';
import { readWeights } from './weights.js';
import { VERSION } from './version.js';

export interface CompileOptions {
  /** `--allow-path`: trees the spec may read besides its own. */
  allowPath?: string[];
  out?: string;
  triton?: string;
  maxBatchSize: number;
  /** Microseconds (a uint64 in Triton's config: a bigint from the command line). */
  maxQueueDelay: number | bigint;
  weights?: string;
  target: string;
  seed: number;
  /** Default `serve`. */
  entry?: string;
}

/** Tables whose padding row is not zero keep their pooling masks: say so (old weights). */
function paddingNote(graph: IRGraph, weights: Record<string, Float32Array>): string[] {
  const zero = zeroPaddedTables(graph, weights);
  const masked = [...paddedTables(graph)].filter((t) => !zero.has(t));
  if (masked.length === 0) return [];
  return [`  note: row 0 (padding) of ${masked.join(', ')} is not zero (weights trained before padding rows were kept at zero): their sum and mean pooling keep masks`];
}

/**
 * Why an output must not be written, checked before any is: no file written is one the run
 * reads (the spec, its data and vocabularies, --weights), and each Triton model directory, which
 * is replaced whole, is missing, empty or an earlier one of recc (src/io/output-path.ts).
 */
function refuseOutputs(graph: IRGraph, o: CompileOptions, models: ReturnType<typeof servingModels>, entryName: string): string | undefined {
  const inputs = [...specInputs(graph).map((path) => ({ path, role: `the spec's input ${displayPath(path)}` })), ...(o.weights ? [{ path: o.weights, role: 'the --weights file' }] : [])];
  if (o.out) {
    const files = entryName === SERVE && models.length > 1 ? models.map((m) => join(o.out!, m.file)) : [o.out];
    for (const f of files) {
      const r = refuseOutputOverInput(f, f === o.out ? `-o ${o.out}` : `${displayPath(f)} (in -o ${o.out})`, inputs);
      if (r) return r;
    }
  }
  if (o.triton) {
    for (const [name, files] of tritonRepository(models, { maxBatchSize: o.maxBatchSize, maxQueueDelayMicroseconds: o.maxQueueDelay })) {
      const r = refuseDirectoryOutput({
        path: join(o.triton, name),
        shown: `${displayPath(join(o.triton, name))} (the Triton model \`${name}\` in --triton ${o.triton})`,
        command: 'recc compile --triton',
        what: 'a Triton model directory',
        files: Object.keys(files),
        marker: 'config.pbtxt',
        inputs: inputs.map((i) => i.path),
      });
      if (r) return r;
    }
  }
  return undefined;
}

export function runCompile(file: string, o: CompileOptions): number {
  if (!o.out && !o.triton) {
    process.stderr.write('error: say where to write: `-o model.onnx` (an ONNX file) and/or `--triton DIR` (a Triton model repository)\n');
    return 1;
  }
  const graph = loadSpec(file, policyOf(o));
  if (!graph) return 1;
  if (o.target !== 'onnx') {
    process.stderr.write(`error: unknown target \`${o.target}\` (supported: onnx)\n`);
    return 1;
  }
  const entryName = o.entry ?? SERVE;
  const entry = getEntry(graph, entryName);
  if (!entry) {
    process.stderr.write(`error: ${graph.model} has no entry \`${entryName}\` (its entries: ${Object.keys(graph.entries).join(', ')})\n`);
    return 1;
  }
  if (o.triton && entryName !== SERVE) {
    process.stderr.write('error: a Triton repository holds the serving models (`--entry serve`); write another entry with `-o FILE`\n');
    return 1;
  }
  let weights: Record<string, Float32Array>;
  let origin: string;
  if (o.weights) {
    const r = readWeights(graph, o.weights);
    if ('error' in r) {
      process.stderr.write(`${r.error}\n`);
      return 1;
    }
    weights = r;
    origin = `weights from ${o.weights}`;
  } else {
    weights = initWeights(graph, o.seed);
    origin = `RANDOM weights (seed ${o.seed}; no --weights given): for serving smoke tests only`;
  }
  const meta = { reccVersion: VERSION, extra: { 'recc.weights': origin } };
  const models = servingModels(graph, weights, meta);
  const refused = refuseOutputs(graph, o, models, entryName);
  if (refused) {
    process.stderr.write(`error[REC6009]: ${refused}\n`);
    return 1;
  }
  const lines: string[] = [];
  // every output is staged, then all are put in place together: a write that fails (a full disk)
  // leaves none of them changed, never a new global.onnx beside an old meta.onnx
  const staged = new StagedWrites();
  // each file written and its size (the bytes: a FIFO or /dev/stdout has none to stat afterwards)
  const written: Array<{ file: string; bytes: number }> = [];
  const several = entryName === SERVE && models.length > 1; // LiMAML: global.onnx and meta.onnx
  if (o.out && several) {
    // a LiMAML model: -o names a directory for global.onnx and meta.onnx
    if (o.out.endsWith('.onnx')) {
      process.stderr.write(`error: ${graph.model} serves as ${models.length} models (${models.map((m) => m.file).join(', ')}): -o names a directory to write them into, e.g. -o ${o.out.slice(0, -5)}\n`);
      return 1;
    }
    ensureWritableDir(o.out, `-o ${o.out}`);
    removeStaleTemps(resolve(o.out));
    for (const m of models) {
      staged.file(join(o.out, m.file), m.onnx);
      written.push({ file: join(o.out, m.file), bytes: m.onnx.length });
    }
  } else if (o.out) {
    removeStaleTemps(dirname(resolve(o.out)));
    const onnx = entryName === SERVE ? models[0]!.onnx : lowerToOnnx(graph, weights, meta, entryName);
    staged.file(o.out, onnx);
    written.push({ file: o.out, bytes: onnx.length });
  }
  const repo = o.triton
    ? tritonRepository(models, { maxBatchSize: o.maxBatchSize, maxQueueDelayMicroseconds: o.maxQueueDelay }, [
        `Written by recc ${VERSION} from ${displayPath(file)} (model ${graph.model}); ${origin}.`,
        'Inputs take raw values (see the recc README, "Data, preprocessing and serving").',
      ])
    : new Map<string, Record<string, Uint8Array | string>>();
  for (const [name, files] of repo) staged.directory(join(o.triton!, name), files);
  staged.commit();
  for (const { file: f, bytes } of written) lines.push(`wrote ${displayPath(f)} (ONNX IR 8, opset 17, ${(bytes / 1e6).toFixed(2)} MB)${entryName === SERVE ? '' : `, entry ${entryName}`}`);
  if (o.out && several) {
    const m = graph.meta!;
    lines.push(`  global.onnx: the online model; it reads the meta embedding as input \`${m.name}\` ${showShape(graph.nodes[m.embedding]!.shape)}`);
    lines.push(`  meta.onnx: adapt-and-embed (${m.steps} inner step${m.steps === 1 ? '' : 's'}), run per \`${m.key}\` by the daily job (\`recc meta-embed\`, or any onnxruntime host)`);
  }
  const batched = new Map(models.map((m) => [m.name, m.batched ?? true]));
  for (const name of repo.keys()) {
    const batching = batched.get(name) ? `max_batch_size ${o.maxBatchSize}, dynamic batching` : 'one task a request: max_batch_size 0, no batching';
    lines.push(`wrote ${displayPath(join(o.triton!, name))}/ (Triton: config.pbtxt, ${TRITON_VERSION}/model.onnx; ${batching})`);
  }
  const used = new Set(entryNodes(graph, entry).flatMap((id) => (graph.nodes[id]!.op === 'param' ? [String(graph.nodes[id]!.attrs.name)] : [])));
  const params = graph.params.filter((p) => used.has(p.name));
  const count = params.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
  const support = new Map((graph.supports ?? []).flatMap((s) => supportInputNames(s).map((input, k) => [input, `${input} [batch, ${s.size}${k < s.items.length ? ', …' : ''}]`] as const)));
  const reached = new Set(entryNodes(graph, entry));
  const inputs = [
    ...graph.features.filter((f) => f.kind !== 'label' && Object.hasOwn(entry.inputs, f.name)).map((f) => f.name),
    ...Object.entries(entry.inputs)
      .filter(([k, id]) => !graph.features.some((f) => f.name === k) && (support.has(k) || reached.has(id)))
      .map(([k, id]) => support.get(k) ?? `${k} ${showShape(graph.nodes[id]!.shape)}`),
  ];
  process.stdout.write(
    [
      ...lines,
      // LiMAML: each file's part is said above
      ...(several ? [] : [`  inputs:  ${inputs.join(', ')}`, `  outputs: ${Object.entries(entry.outputs).map(([k, id]) => `${k} ${showShape(graph.nodes[id]!.shape)}`).join(', ')}`]),
      `  parameters: ${count.toLocaleString('en-US')} in ${params.length} tensors, ${origin}`,
      ...paddingNote(graph, weights),
      ...(o.triton ? [`  serve: tritonserver --model-repository=${displayPath(o.triton)}`] : []),
      '',
    ].join('\n'),
  );
  return 0;
}

// Triton's ModelConfig (model_config.proto) holds max_batch_size in an int32 and
// max_queue_delay_microseconds in a uint64: a value past them is a config.pbtxt Triton cannot
// parse, found only when the server starts, so each is refused here, at its option.
const INT32_MAX = 2 ** 31 - 1;
const UINT64_MAX = 2n ** 64n - 1n;

const maxBatchSize = intOption(1, INT32_MAX, "Triton's max_batch_size is a 32-bit integer");

/** Microseconds as a bigint: a uint64 is exact past 2^53, and is written as digits, never `1e+23`. */
function maxQueueDelay(v: string): bigint {
  if (!/^\s*\d+\s*$/.test(v)) throw new InvalidArgumentError('expected a non-negative integer (microseconds)');
  const n = BigInt(v.trim());
  if (n > UINT64_MAX) throw new InvalidArgumentError(`at most ${UINT64_MAX} microseconds (Triton's max_queue_delay_microseconds is an unsigned 64-bit integer)`);
  return n;
}

export function register(program: Command, setCode: (c: number) => void): void {
  allowPathOption(
    program
      .command('compile')
      .description('compile a spec to a serving artefact: an ONNX file (-o) and/or a Triton model repository (--triton)')
      .argument('<spec>', '.rec file')
      .option('-o, --out <file>', 'ONNX file to write, e.g. model.onnx (a model with a meta_block: a directory for global.onnx and meta.onnx)')
      .option('--triton <dir>', 'Triton model repository to write into: <dir>/<model>/config.pbtxt and <dir>/<model>/1/model.onnx (the model directory is replaced whole: it must be new, empty, or one recc wrote)')
      .option('--max-batch-size <n>', `Triton: largest batch the server forms (1 to ${INT32_MAX})`, maxBatchSize, 1024)
      // a bigint default needs its description given: commander's help JSON-encodes defaults
      .addOption(new Option('--max-queue-delay <µs>', 'Triton: how long the dynamic batcher may wait to fill a batch, in microseconds').argParser(maxQueueDelay).default(100n, '100'))
      .option('--weights <file>', 'trained weights (safetensors); without it, seeded random weights')
      .option('--target <target>', 'onnx', 'onnx')
      .option('--seed <n>', 'seed of the random weights', (v) => Number.parseInt(v, 10), 1)
      .option('--entry <name>', 'the entry to write with -o: `serve`, or a stage (the training entry of its tasks)', SERVE),
  ).action((spec: string, o: CompileOptions) => setCode(runCompile(spec, o)));
}
