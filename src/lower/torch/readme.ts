// README.md of `recc export torch`: how to train the package on one process or many, and how
// its weights go back to recc.
import { planOf } from '../../ir/plan.js';
import type { IRGraph } from '../../ir/types.js';

/**
 * How the trained weights become the serving model: one ONNX file, or for a spec with a meta
 * block (LiMAML) a directory of two (global.onnx, meta.onnx), which `recc compile` refuses to
 * write as `-o model.onnx`.
 */
function serveCommand(graph: IRGraph, specFile: string): string {
  if (!graph.meta) return `    recc compile ${specFile} --weights model.safetensors -o model.onnx`;
  return `    recc compile ${specFile} --weights model.safetensors -o serving

writes \`serving/global.onnx\` (the online model; the meta embedding is its input \`${graph.meta.name}\`) and
\`serving/meta.onnx\` (adapt-and-embed, run per \`${graph.meta.key}\`): a model with a meta block serves as two.`;
}

export function torchReadme(graph: IRGraph, specFile: string): string {
  const plan = planOf(graph);
  const stages = plan.stages.map((s) => {
    const opts = s.optimizers.map((o) => `${o.group}: ${o.spec.kind}(lr ${o.spec.lr}), ${o.params.length} parameter${o.params.length === 1 ? '' : 's'}`);
    const epochs = `${s.settings.epochs} epoch${s.settings.epochs === 1 ? '' : 's'}${s.settings.clipNorm ? `, clip ${s.settings.clipNorm}` : ''}`;
    if (s.step.kind === 'maml' && s.batching.kind === 'tasks') {
      const { step, batching } = s;
      const inner = `${step.steps} inner SGD step${step.steps === 1 ? '' : 's'} of lr ${step.lr} on \`${step.group}\`'s parameters over each task's first ${+(100 * batching.support).toFixed(2)} % of rows, ${step.order} order`;
      return `- \`${s.name}\` (tasks ${s.tasks.join(', ')}): MAML, ${batching.perBatch} tasks (rows sharing \`${batching.key}\`) a batch, ${inner}, the outer loss on the other rows; ${epochs}: ${opts.join('; ')}`;
    }
    return `- \`${s.name}\` (tasks ${s.tasks.join(', ')}; batch ${s.settings.batch}, ${epochs}): ${opts.join('; ')}`;
  });
  const maml = plan.stages.some((s) => s.step.kind === 'maml');
  // the stages that read data of their own in the spec, when they do not all read the same
  const sources = plan.stages.map((s) => ({ name: s.name, data: JSON.stringify(s.settings.data ?? null) }));
  const ownData = new Set(sources.map((s) => s.data)).size > 1 ? sources.slice(0, -1).filter((s) => s.data !== sources.at(-1)!.data).map((s) => s.name) : [];
  // a model with a meta block is evaluated adapted after every stage, MAML's or not
  const adapted = graph.meta !== undefined;
  return `# ${graph.model}: PyTorch package exported by recc

Generated from \`${specFile}\` by \`recc export torch\`; regenerate rather than edit.

| file | what |
| --- | --- |
| \`model.py\` | \`Model\`, a \`torch.nn.Module\` generated from recc's IR, one line per op; \`state_dict()\` keys are recc's parameter names. \`model(X)\` serves (task name → prediction); \`model(X, entry=STAGE)\` also gives the stage's objective under \`"/objective"\` |
| \`data.py\` | CSV, TSV, JSON Lines and Parquet (with pyarrow) rows into ids, values and support sets as recc encodes them, with recc's Python client (\`recc_client/\`): \`data.encode(path, data.load_spec())\` |
| \`train.py\` | the training plan below, on one process or under torch.distributed (DDP) |
| \`weights.py\` | safetensors reading and writing |
| \`torchrec_tables.py\` | the feature tables train.py hands to TorchRec with \`--torchrec\` |
| \`spec.json\` | features, tasks and training plan, as data |
| \`init.safetensors\` | recc's initial weights (the ones \`recc train\` starts from) |

## Training plan

${stages.join('\n')}

## Train

One process (\`/usr/bin/python3\` or any Python with torch ≥ 1.13 and numpy):

    python3 train.py --data data.csv --out model.safetensors
${
    ownData.length > 0
      ? `
This spec's stages read different data (their \`data:\`), which train.py cannot read from the spec:
give each stage that reads other data than \`--data\` its own file with \`--stage-data STAGE=FILE\`,

    python3 train.py ${ownData.map((n) => `--stage-data ${n}=${n}.csv `).join('')}--data data.csv --out model.safetensors
`
      : ''
  }
Each stage holds out the spec's \`split\` of \`--data\` (the same rows \`recc train\` holds out:
\`split.py\` is recc's split, seeded shuffles included) and reports AUC / GAUC on them after the stage,
over all of them and per group of the spec's \`group_by\` column when it has one, as \`recc train\` does.
\`--test test.csv\` trains on all of \`--data\` and evaluates on that file instead; \`--no-split\`
trains on all of \`--data\` without evaluating.

Ctrl-C (SIGINT) or SIGTERM (a preempted job) stops the run before its next step; rank 0 writes a
checkpoint to \`<out>.checkpoint\` (\`--checkpoint PATH\`; \`--checkpoint-every N\` writes one every
N steps too), and the exit status is 130 or 143. Run the same command with \`--resume\` to
continue at that batch, to the weights an uninterrupted run ends with. Under torch.distributed
the ranks agree on the step every 10 steps, so a signal to any rank stops them all. A second
signal stops at once (a checkpoint it cuts off half written is removed), and what a killed run
left half written beside the checkpoint or the weights is removed by the next run.

Several processes, with torchrun:

    torchrun --nproc_per_node=2 train.py --data train.csv --out model.safetensors

or without it (Debian's torchrun fails on Python 3.11), one process per rank:

    for r in 0 1; do
      MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 WORLD_SIZE=2 RANK=$r LOCAL_RANK=$r \\
        python3 train.py --data train.csv --out model.safetensors &
    done; wait

Ranks use DistributedDataParallel over gloo on CPU and nccl with CUDA. Every global batch (the
spec's \`batch\`) is shared out among the ranks, so N ranks take the same steps as one. Feature
tables take sparse gradients (SparseAdam for Adam) except under nccl. \`--init\` starts from a recc
checkpoint (\`recc train\`'s checkpoint.safetensors, optimizer slots ignored). Other options:
\`python3 train.py --help\`.
${
    maml
      ? `
A MAML stage's batch of tasks is shared out among the ranks instead: each rank runs the inner
loops of its tasks, and only the outer gradient is all-reduced (summed, then divided by the
batch's tasks), so N ranks again take the same steps as one. Its feature tables take dense
gradients and dense optimizers (recc's MAML step updates every row too).
`
      : ''
  }
## Serve

${serveCommand(graph, specFile)}

## Differences from \`recc train\`

- Batches are shuffled by torch's generator, not recc's: the same data in another order.
${
    ownData.length > 0
      ? `- A stage trains on \`--data\` unless given \`--stage-data\`: recc train reads each stage's \`data:\`
  from the spec, and train.py says so when it starts without \`--stage-data\`.
`
      : ''
  }- A hinge loss pairs positives and negatives within each rank's share of a batch.
${
    adapted
      ? `- Every stage of a model with a meta block, MAML's or supervised, is evaluated (\`--test\`) on
  the query rows of the test tasks (the rows after each task's support rows; a task of one row has
  none) with θ_meta adapted on the task's support rows by the inner loop, every query row scored
  by the adapted model on its own features; recc scores them with the meta embedding of the task's
  latest support row instead, so the two can differ where the meta block reads features that vary
  within a task. train.py prints these as \`auc (query rows, adapted)\`,
  over every query row and per task-size slice as recc reports them (\`task_samples=25 or more\`,
  \`task_samples=fewer than 25\`: a task's rows in the test data, support rows included), each with
  its row count; with \`group_by\` in the spec, per group of that column instead, as recc does.
`
      : ''
  }- Parquet is read through pyarrow (\`pip install pyarrow\`; without it, a Parquet file is an error
  saying so: convert it to CSV). Its values become the cells recc's reader gives (tested), but
  pyarrow's reading itself was not run where recc is tested (pyarrow is not installable there).
- \`--torchrec on\` (or \`auto\` when torchrec imports) hands the feature tables of at least
  \`--torchrec-rows\` rows (default 100 000) that one lookup alone reads to TorchRec
  (\`torchrec_tables.py\`: an EmbeddingCollection sharded by DistributedModelParallel). Their
  optimizers run inside the backward, as TorchRec's do: clipping does not see their gradients and
  the warm-up and decay do not reach them. This path was tested against a shim of TorchRec's API,
  not TorchRec itself (it cannot be installed where recc is tested).
`;
}
