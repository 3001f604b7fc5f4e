// README.md of `recc export torch`: how to train the package on one process or many, and how
// its weights go back to recc.
import { planOf } from '../../ir/plan.js';
import type { IRGraph } from '../../ir/types.js';

export function torchReadme(graph: IRGraph, specFile: string): string {
  const stages = planOf(graph).stages.map((s) => {
    const opts = s.optimizers.map((o) => `${o.group}: ${o.spec.kind}(lr ${o.spec.lr}), ${o.params.length} parameter${o.params.length === 1 ? '' : 's'}`);
    return `- \`${s.name}\` (tasks ${s.tasks.join(', ')}; batch ${s.settings.batch}, ${s.settings.epochs} epoch${s.settings.epochs === 1 ? '' : 's'}${s.settings.clipNorm ? `, clip ${s.settings.clipNorm}` : ''}): ${opts.join('; ')}`;
  });
  return `# ${graph.model}: PyTorch package exported by recc

Generated from \`${specFile}\` by \`recc export torch\`; regenerate rather than edit.

| file | what |
| --- | --- |
| \`model.py\` | \`Model\`, a \`torch.nn.Module\` generated from recc's IR, one line per op; \`state_dict()\` keys are recc's parameter names. \`model(X)\` serves (task name → prediction); \`model(X, entry=STAGE)\` also gives the stage's objective under \`"/objective"\` |
| \`data.py\` | recc's encoding of CSV, TSV and JSON Lines rows into ids and values (\`data.encode(path, data.load_spec())\`) |
| \`train.py\` | the training plan below, on one process or under torch.distributed (DDP) |
| \`weights.py\` | safetensors reading and writing |
| \`spec.json\` | features, tasks and training plan, as data |
| \`init.safetensors\` | recc's initial weights (the ones \`recc train\` starts from) |

## Training plan

${stages.join('\n')}

## Train

One process (\`/usr/bin/python3\` or any Python with torch ≥ 1.13 and numpy):

    python3 train.py --data train.csv --test test.csv --out model.safetensors

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

## Serve

    recc compile ${specFile} --weights model.safetensors -o model.onnx

## Differences from \`recc train\`

- The spec's \`split\` is not applied: give the training and test files (\`--data\`, \`--test\`).
- Batches are shuffled by torch's generator, not recc's: the same data in another order.
- Adagrad is torch's (w − lr·g / (√a + ε)); recc's divides by √(a + 1e-7).
- A hinge loss pairs positives and negatives within each rank's share of a batch.
- Support sets (CMML) are not encoded by \`data.py\`; TorchRec's sharded tables are not generated.
`;
}
