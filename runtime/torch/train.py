"""Train the exported model with PyTorch, on one process or many (torch.distributed), and write
its weights in recc's safetensors format (copied by `recc export torch`; see README.md).

The training plan is spec.json's: its stages in order, each training its entry's objective (the
loss ops of recc's IR, emitted in model.py) with one optimizer per parameter group, recc's
learning-rate schedule (linear warm-up, then constant or cosine) and global-norm clipping.

Distributed: DistributedDataParallel over gloo (CPU) or nccl (GPU). Ranks start from the same
weights and read the same file; each global batch of `batch` rows (the same shuffled order on
every rank) is cut into one contiguous slice per rank, and each rank's loss is scaled by
world_size · rows_of_rank / rows_of_batch, so DDP's average of the ranks' gradients is the
gradient of the whole batch's mean: any number of ranks takes the same steps as one (up to float
rounding). Exception: a hinge loss pairs rows within each rank's slice only.

Feature tables take sparse gradients (F.embedding(sparse=True)) with gloo and on one process:
Adam trains them with SparseAdam (recc's lazy Adam: only the rows of the batch move), Adagrad
and SGD take sparse gradients as they are. nccl has no sparse all-reduce: dense gradients there.

TorchRec (--torchrec): large feature tables read by one lookup alone can live in a TorchRec
EmbeddingCollection that DistributedModelParallel shards across the ranks (torchrec_tables.py);
their optimizers run inside the backward, outside clipping and the schedule.

Stopping and resuming (checkpoint.py): SIGINT or SIGTERM stops the run before the next step, the
ranks agreeing on it, after rank 0 writes a checkpoint; --resume continues at that batch.

MAML stages (LiMAML, a stage whose step is `maml`): batches of tasks (the rows sharing the meta
block's key), each task's inner SGD steps on θ_meta over its support rows, the outer gradient of
its query loss, as src/train/maml-step.ts. Under torch.distributed each rank takes a share of the
batch's tasks and runs their inner loops; only the outer gradient is all-reduced (by hand: DDP's
hooks do not see torch.autograd.grad). Their tables are dense, as recc's MAML step updates them.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import checkpoint  # noqa: E402
import data  # noqa: E402
from recc_client.jsvalues import js_trim  # noqa: E402
import model as M  # noqa: E402
import split  # noqa: E402
import torchrec_tables  # noqa: E402
import weights  # noqa: E402

MAX_PAIRS = 4096


def steps_count(text):
    """A number of steps for argparse: a whole number, 0 or more."""
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of steps (0 or more)")
    return n


def stage_file(text):
    """`STAGE=FILE` of --stage-data, as (stage, file)."""
    stage, eq, path = text.partition("=")
    if not eq or not stage or not path:
        raise argparse.ArgumentTypeError(f"{text!r} is not STAGE=FILE")
    return stage, path


def stage_files(given, stages):
    """{stage name: its --stage-data file}; SystemExit for a stage the plan lacks or given twice."""
    names = [s["name"] for s in stages]
    files = {}
    for stage, path in given:
        if stage not in names:
            raise SystemExit(f"error: --stage-data {stage}={path}: the spec has no stage `{stage}` (its stages: {', '.join(names)})")
        if stage in files:
            raise SystemExit(f"error: --stage-data gives stage `{stage}` two files ({files[stage]}, {path})")
        files[stage] = path
    return files


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="training data (.csv, .tsv, .jsonl; Parquet with pyarrow): every stage's, except those given --stage-data")
    p.add_argument("--stage-data", action="append", type=stage_file, default=[], metavar="STAGE=FILE", help="one stage's own training data, as the spec's `data:` of that stage (repeatable; e.g. PeterRec's pretraining sequences)")
    p.add_argument("--test", help="data to evaluate on after each stage (AUC / GAUC of binary tasks); without it, each stage holds out the spec's split of its data, as recc train does")
    p.add_argument("--no-split", action="store_true", help="train on every row of each stage's data (no held-out rows; evaluation only with --test)")
    p.add_argument("--init", default=os.path.join(HERE, "init.safetensors"), help="starting weights: recc's initial weights (default) or a recc checkpoint")
    p.add_argument("--out", default="model.safetensors", help="where rank 0 writes the trained weights")
    p.add_argument("--save-every-rank", action="store_true", help="also write <out>.rank<r> on every rank (to compare replicas)")
    p.add_argument("--epochs", type=int, help="epochs per stage (default: the spec's)")
    p.add_argument("--batch", type=int, help="global batch size (default: the spec's)")
    p.add_argument("--max-steps", type=int, help="stop each stage after this many steps")
    p.add_argument("--checkpoint", help="where rank 0 writes a resumable checkpoint (default: <out>.checkpoint): when the run stops on SIGINT or SIGTERM, and with --checkpoint-every")
    p.add_argument("--checkpoint-every", type=steps_count, default=0, help="also write the checkpoint every N steps (default 0: only when stopped)")
    p.add_argument("--resume", action="store_true", help="continue from the checkpoint, at the batch it stopped before (same data, --batch, --epochs, --max-steps)")
    p.add_argument("--no-shuffle", action="store_true", help="batches in file order")
    p.add_argument("--backend", choices=["gloo", "nccl"], help="torch.distributed backend (default: nccl with CUDA, else gloo)")
    p.add_argument("--threads", type=int, help="torch intra-op threads per process")
    p.add_argument("--log-every", type=int, default=0, help="print the loss every N steps (rank 0)")
    p.add_argument("--losses", help="write each step's global loss here, one per line (rank 0)")
    p.add_argument("--torchrec", choices=["auto", "on", "off"], default="auto", help="hand the large feature tables to TorchRec (sharded by DistributedModelParallel): auto when torchrec imports, on (an error if it cannot), off")
    p.add_argument("--torchrec-rows", type=int, default=100_000, help="tables of at least this many rows go to TorchRec (default 100000)")
    return p.parse_args(argv)


# ── the process group ────────────────────────────────────────────────────────


def setup(args):
    """(rank, world size, device); joins the process group when WORLD_SIZE > 1 (torchrun or env vars)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    cuda = torch.cuda.is_available() and args.backend != "gloo"
    device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0"))) if cuda else torch.device("cpu")
    if world > 1:
        dist.init_process_group(args.backend or ("nccl" if cuda else "gloo"), init_method="env://")
        return dist.get_rank(), world, device
    return 0, 1, device


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def all_reduce_sum(x):
    if dist.is_initialized():
        dist.all_reduce(x)
    return x


# ── optimizers, schedule, clipping ──────────────────────────────────────────


class SparseAdam(torch.optim.SparseAdam):
    """torch's SparseAdam adds ε to √v before the bias correction, so its ε is in effect
    ε/√(1 − β2^t): at the first steps, 30× recc's and torch.optim.Adam's, which moves rows with
    small gradients much less. Scaling ε by √(1 − β2^t) each step gives Adam's update,
    lr·m̂/(√v̂ + ε), as recc's lazy Adam computes it (src/train/update-rules.ts)."""

    def __init__(self, params, lr, betas, eps):
        super().__init__(params, lr=lr, betas=betas, eps=eps)
        self.base_eps, self.t = eps, 0

    def step(self, closure=None):
        self.t += 1
        for g in self.param_groups:
            g["eps"] = self.base_eps * math.sqrt(1 - g["betas"][1] ** self.t)
        return super().step(closure)


def torch_optimizer(spec):
    """(optimizer class, kwargs) of a recc optimizer spec: the dense optimizers here, and those
    TorchRec fuses into its tables' backward (torchrec_tables.py)."""
    lr = spec["lr"]
    if spec["kind"] == "adam":
        return torch.optim.Adam, dict(lr=lr, betas=(spec.get("beta1", 0.9), spec.get("beta2", 0.999)), eps=spec.get("epsilon", 1e-8))
    if spec["kind"] == "adagrad":
        # recc divides by √(a + 1e-7), torch by √a + ε: with the accumulator at ≥ 0.1 (its start),
        # a tiny ε makes the two agree to 5e-7
        return torch.optim.Adagrad, dict(lr=lr, initial_accumulator_value=spec.get("initialAccumulator", 0.1), eps=1e-10)
    return torch.optim.SGD, dict(lr=lr)


def make_optimizers(model, stage, sparse_tables):
    """One torch optimizer per (group, dense | sparse) of the stage: [(optimizer, base lr)]. The
    tables TorchRec owns are not among them (their optimizers run in the backward)."""
    by_name = dict(model.recc_parameters())
    out = []
    for a in stage["optimizers"]:
        spec = a["spec"]
        for sparse in (False, True):
            params = [by_name[n] for n in a["params"] if n in by_name and (n in sparse_tables) == sparse]
            if not params:
                continue
            cls, kw = torch_optimizer(spec)
            opt = SparseAdam(params, **kw) if sparse and cls is torch.optim.Adam else cls(params, **kw)
            out.append((opt, spec["lr"]))
    return out


def learning_rate(base, step, settings, total):
    """recc's schedule (src/train/schedule.ts): warm-up, then constant or cosine to 0."""
    w = settings.get("warmupSteps")
    if w is None:
        # a fraction of the run: ⌈fraction · total⌉ steps, as recc's scheduleOf rounds
        f = settings.get("warmupFraction")
        w = math.ceil(f * total) if f is not None else 0
    if w > 0 and step < w:
        return base * (step + 1) / w
    if settings.get("lrDecay") != "cosine":
        return base
    t = min(1.0, max(0.0, (step - w) / max(1, total - w)))
    return base * 0.5 * (1 + math.cos(math.pi * t))


def clip_grad_norm(params, max_norm):
    """Global L2 norm over every gradient, sparse ones included (clip_grad_norm_ takes dense only)."""
    sq = 0.0
    for p in params:
        if p.grad is None:
            continue
        g = p.grad.coalesce().values() if p.grad.is_sparse else p.grad
        sq += float(g.double().pow(2).sum())
    norm = math.sqrt(sq)
    if norm > max_norm:
        for p in params:
            if p.grad is not None:
                p.grad.mul_(max_norm / norm)
    return norm


# ── batches ──────────────────────────────────────────────────────────────────


def hinge_pairs(labels, cap=MAX_PAIRS):
    """src/train/hinge-pairs.ts: every (positive, negative) pair, or `cap` spread evenly over them."""
    p = [i for i, y in enumerate(labels) if y > 0.5]
    n = [i for i, y in enumerate(labels) if not y > 0.5]
    total = len(p) * len(n)
    pos, neg = [], []
    for k in range(min(total, cap)):
        idx = k if total <= cap else (k * total) // cap
        pos.append(p[idx // len(n)])
        neg.append(n[idx % len(n)])
    return pos, neg


def batch_inputs(ds, rows, names, tasks, device):
    X = {}
    for name in names:
        if name in ds.inputs:
            X[name] = torch.from_numpy(ds.inputs[name][rows]).to(device)
    for t in tasks:
        y = ds.labels[t["name"]][rows]
        if t["loss"] == "hinge":
            pos, neg = hinge_pairs(y)
            X[t["name"] + "/pos"] = torch.tensor(pos, dtype=torch.int64, device=device)
            X[t["name"] + "/neg"] = torch.tensor(neg, dtype=torch.int64, device=device)
        else:
            X[t["name"] + "/label"] = torch.from_numpy(y).to(device)
    return X


def global_batches(n, batch, seed, epoch, shuffle):
    """Row indices of each global batch; the same on every rank (a generator seeded per epoch)."""
    if shuffle:
        g = torch.Generator().manual_seed(seed * 1000003 + epoch)
        order = torch.randperm(n, generator=g).numpy()
    else:
        order = np.arange(n)
    return [order[i : i + batch] for i in range(0, n, batch)]


def resume_at(resumed, model, optimizers):
    """Where a stage starts ({epoch, batch, step}): the checkpoint's position, its parameters and
    optimizer states restored, when it continues from one; else the beginning."""
    if not resumed:
        return {"epoch": 0, "batch": 0, "step": 0}
    checkpoint.restore(resumed, model, optimizers)
    return resumed["position"]


def stage_batches(n, batch, seed, epochs, shuffle, at):
    """(epoch, batch index, units) of a stage's global batches from position `at` on."""
    for epoch in range(at["epoch"], epochs):
        batches = global_batches(n, batch, seed, epoch, shuffle)
        for b in range(at["batch"] if epoch == at["epoch"] else 0, len(batches)):
            yield epoch, b, batches[b]


# ── metrics ──────────────────────────────────────────────────────────────────


def auc(scores, labels):
    """Area under the ROC curve, ties counted half (Mann–Whitney); NaN with one class."""
    pos = labels > 0.5
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return math.nan
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    s = scores[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return (ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def gauc(scores, labels, keys):
    """AUC per key, weighted by the key's sample count; keys with one class are skipped."""
    groups = {}
    for i, k in enumerate(keys):
        groups.setdefault(k, []).append(i)
    total = weight = 0.0
    for rows in groups.values():
        a = auc(scores[rows], labels[rows])
        if not math.isnan(a):
            total += a * len(rows)
            weight += len(rows)
    return total / weight if weight else math.nan


def evaluate(model, ds, spec, stage, device):
    # The stage's own entry, as recc train predicts a stage (src/train/tfjs-runner.ts): `serve`
    # outputs the last stage's tasks only, so an earlier stage's (PeterRec's pretraining `next`)
    # are not among its outputs. The entry also computes the stage's objective: its labels go in.
    model.eval()
    entry = stage["entry"]
    names = [k for k in M.INPUTS[entry] if k in ds.inputs]
    tasks = [t for t in spec["tasks"] if t["name"] in stage["tasks"]]
    outs = {t["name"]: [] for t in tasks}
    with torch.no_grad():
        for start in range(0, ds.n, 4096):
            rows = np.arange(start, min(ds.n, start + 4096))
            o = model(batch_inputs(ds, rows, names, tasks, device), entry=entry)
            for t in tasks:
                outs[t["name"]].append(o[t["name"]].reshape(len(rows), -1).cpu().numpy())
    model.train()
    report = {}
    slices = group_slices(ds.keys, stage, np.arange(ds.n))
    for t in tasks:
        if t["kind"] != "binary":
            continue
        p, y = np.concatenate(outs[t["name"]])[:, 0], ds.labels[t["name"]]
        report[f"{t['name']} auc"] = auc(p, y)
        for m in stage["settings"]["metrics"]:
            if m["kind"] == "gauc":
                report[f"{t['name']} gauc({m['by']})"] = gauc(p, y, ds.keys[m["by"]])
        # each group of the spec's `group_by` column, with its row count, as recc train reports them
        sliced(report, t["name"], "", p, y, np.arange(ds.n), ds.keys, stage, slices)
    return report


def sliced(report, task, tag, p, y, rows, keys, stage, slices):
    """Into `report`, for each (suffix, mask) of `slices`: the AUC and each GAUC of the stage's
    metrics of the masked scores `p` and labels `y`, with the row count, as `<task> auc<tag><suffix>`
    (`rows`: the data rows of `p`, whose GAUC keys are in `keys`)."""
    for suffix, m in slices:
        n = int(m.sum())
        report[f"{task} auc{tag}{suffix}"] = (auc(p[m], y[m]), n)
        for metric in stage["settings"]["metrics"]:
            if metric["kind"] == "gauc":
                by = [keys[metric["by"]][i] for i in rows[m]]
                report[f"{task} gauc({metric['by']}){tag}{suffix}"] = (gauc(p[m], y[m], by), n)


def group_slices(keys, stage, rows):
    """The groups of the stage's `group_by` column among `rows` (indices): a suffix (` col=value`)
    and a mask over `rows` each, values in recc's order (src/train/evaluate.ts: sorted as
    JavaScript sorts text); none without `group_by`, or when the data lacks the column."""
    col = stage["settings"].get("groupBy")
    if not col or col not in keys:
        return []
    values = [keys[col][i] for i in rows]
    column = np.asarray(values, dtype=object)
    return [(f" {col}={group_value_text(g)}", column == g) for g in sorted(set(values), key=split.js_order)]


def group_value_text(v):
    """A group's value as recc names its row (evaluate.ts groupValueText): quoted (JSON.stringify's
    text) when empty or blank at either end."""
    return json.dumps(v, ensure_ascii=False) if v == "" or js_trim(v) != v else v


# ── MAML stages (LiMAML, src/train/maml-step.ts) ─────────────────────────────


def group_by_key(keys):
    """Row indices of each task (rows sharing a key), tasks in order of first appearance, rows in
    data order (src/train/meta-embed.ts groupByKey). Rows without a key (an empty cell) are in no
    task, as in recc's (task-split.ts): together they would be one task of unrelated users."""
    groups = {}
    for i, k in enumerate(keys):
        if k != "":
            groups.setdefault(k, []).append(i)
    return list(groups.values())


def keyless_note(stage, keys, key, which):
    """recc's line for rows without the meta key (task-split.ts keylessRows), or None when there are none."""
    n = sum(1 for k in keys if k == "")
    if n == 0:
        return None
    rows = f"{n} {which} row{' has' if n == 1 else 's have'}"
    return f"stage {stage['name']}: {rows} no `{key}`: {'it is' if n == 1 else 'they are'} in no task (a task is the rows of one key)"


def support_count(n, fraction):
    """The first ⌈fraction·n⌉ rows of a task of n are its support set, leaving at least one query row."""
    return max(1, min(n - 1, math.ceil(fraction * n)))


def adapt(P, entry, meta, inner, Xs, create_graph):
    """θ′_meta: `inner["steps"]` plain SGD steps of lr α on the support loss (the stage's objective
    on the support rows), the other parameters fixed (passes/maml.ts innerSteps). Without
    create_graph the inner gradients are constants: first order."""
    theta = {n: P[n] for n in meta}
    for _ in range(inner["steps"]):
        support_loss = M.ENTRIES[entry]({**P, **theta}, Xs)["/objective"]
        grads = torch.autograd.grad(support_loss, list(theta.values()), create_graph=create_graph, allow_unused=True)
        # a parameter the support loss does not read: SGD leaves it
        theta = {n: t if g is None else t - g * inner["lr"] for (n, t), g in zip(theta.items(), grads)}
    return {**P, **theta}


def task_gradient(P, stage, meta, trained, Xs, Xq):
    """One task's query loss with θ′_meta and its gradient with respect to each of `trained` (None:
    no gradient reaches it); second order differentiates through the inner gradients."""
    step = stage["step"]
    adapted = adapt(P, stage["entry"], meta, step, Xs, create_graph=step["order"] != "first")
    query_loss = M.ENTRIES[stage["entry"]](adapted, Xq)["/objective"]
    return query_loss.detach(), torch.autograd.grad(query_loss, [P[n] for n in trained], allow_unused=True)


def maml_step(model, stage, meta, ds, batch_tasks, names, tasks, rank, world, device):
    """The mean over the batch's tasks of their outer gradients, left in each parameter's .grad
    (None where no gradient reaches it), and the mean query loss; (None, 0) when no task of the batch
    has two rows. Each rank runs the inner loops of its share of the tasks; one all-reduce sums the
    ranks' gradients, so any number of ranks computes the gradient one would."""
    fraction = stage["batching"]["support"]
    learn = [t for t in batch_tasks if len(t) >= 2]  # a single row has no query row
    if not learn:
        return None, 0
    P = dict(model.named_parameters())
    trained = [n for n in stage["trainable"] if n in P]
    sums = [None] * len(trained)
    loss = 0.0
    for t in np.array_split(np.arange(len(learn)), world)[rank]:
        rows = np.asarray(learn[t])
        ns = support_count(len(rows), fraction)
        Xs = batch_inputs(ds, rows[:ns], names, tasks, device)
        Xq = batch_inputs(ds, rows[ns:], names, tasks, device)
        l, grads = task_gradient(P, stage, meta, trained, Xs, Xq)
        loss += float(l)
        sums = [s if g is None else g if s is None else s + g for s, g in zip(sums, grads)]
    # every rank takes part in the all-reduce, with zeros for what it has not (a rank may have no
    # task); `reached` counts the ranks whose gradient reached each parameter
    flat = torch.cat([(torch.zeros_like(P[n]) if s is None else s).reshape(-1) for n, s in zip(trained, sums)])
    reached = torch.tensor([0.0 if s is None else 1.0 for s in sums] + [loss], dtype=torch.float64)
    all_reduce_sum(flat)
    all_reduce_sum(reached)
    at = 0
    for k, n in enumerate(trained):
        p = P[n]
        p.grad = flat[at : at + p.numel()].view_as(p) / len(learn) if reached[k] > 0 else None
        at += p.numel()
    return float(reached[-1]) / len(learn), len(learn)


def run_maml_stage(model, stage, spec, ds, args, rank, world, device, losses, ck, k, resumed):
    """A stage whose step is `maml`: epochs of shuffled batches of `perBatch` tasks (recc's loop.ts;
    an epoch's batches count every task, a batch without a task of two rows makes no update).
    `ck`, `k`, `resumed`: as run_stage's."""
    settings, batching = stage["settings"], stage["batching"]
    meta = spec["meta"]["params"]
    trainable = set(stage["trainable"])
    # θ_meta needs gradients for the inner loop even where the stage does not train it
    learned = trainable | set(meta)
    for name, p in model.named_parameters():
        p.requires_grad_(name in learned)
    # recc's MAML step updates tables densely (every row, src/train/maml-step.ts): dense here too
    optimizers = make_optimizers(model, stage, set())
    at = resume_at(resumed, model, optimizers)
    trained = [p for n, p in model.named_parameters() if n in trainable]
    tasks = [t for t in spec["tasks"] if t["name"] in stage["tasks"]]
    names = [k for k in M.INPUTS[stage["entry"]] if k in ds.inputs]
    if batching["key"] not in ds.keys:
        raise SystemExit(f"error: the data has no column `{batching['key']}` (the meta block's key)")
    all_tasks = group_by_key(ds.keys[batching["key"]])
    note = keyless_note(stage, ds.keys[batching["key"]], batching["key"], "training")
    if note and rank == 0:
        print(note, flush=True)
    if not any(len(t) >= 2 for t in all_tasks):
        raise SystemExit(f"error: no training task has two rows or more (tasks are the rows sharing `{batching['key']}`)")
    per = batching["perBatch"]
    epochs = args.epochs if args.epochs is not None else settings["epochs"]
    per_epoch = math.ceil(len(all_tasks) / per)
    total = per_epoch * epochs if args.max_steps is None else min(per_epoch * epochs, args.max_steps)
    step, seen, t0 = at["step"], 0, time.perf_counter()
    for epoch, b, units in stage_batches(len(all_tasks), per, settings["seed"], epochs, not args.no_shuffle, at):
        if step >= total:
            break
        ck.before_batch(stage["name"], k, epoch, b, step, model, optimizers, losses)
        batch_tasks = [all_tasks[u] for u in units]
        loss, n_tasks = maml_step(model, stage, meta, ds, batch_tasks, names, tasks, rank, world, device)
        if loss is not None:
            if not math.isfinite(loss):
                raise SystemExit(f"error: stage {stage['name']}: the loss is {loss} at step {step} (lower the learning rate, or clip)")
            set_learning_rates(optimizers, step, settings, total)
            if settings.get("clipNorm"):
                clip_grad_norm(trained, settings["clipNorm"])
            for opt, _ in optimizers:
                opt.step()
                opt.zero_grad(set_to_none=True)
        losses.append(loss or 0.0)
        step += 1
        seen += sum(len(t) for t in batch_tasks)
        if rank == 0 and args.log_every and step % args.log_every == 0:
            print(f"stage {stage['name']} step {step}/{total} loss {loss or 0.0:.6f} ({n_tasks} tasks)", flush=True)
        ck.after_step(k, epoch, b, step, model, optimizers, losses)
    elapsed = time.perf_counter() - t0
    if rank == 0:
        print(f"stage {stage['name']}: {step} MAML steps, {seen} samples in {elapsed:.2f} s, {seen / max(elapsed, 1e-9):.0f} samples/s on {world} rank{'s' if world > 1 else ''}", flush=True)


SMALL_TASK = 25  # src/train/task-split.ts: Table 3's slices, tasks of fewer than 25 samples and of 25 or more
TASK_SLICE = "task_samples"


def task_slice(n):
    """The slice of a test task of n rows, as recc names it (task-split.ts): n counts the task's
    rows in the test data, support rows included, and a task of exactly 25 is `25 or more`."""
    return f"fewer than {SMALL_TASK}" if n < SMALL_TASK else f"{SMALL_TASK} or more"


def test_tasks(keys, fraction):
    """[(support rows, query rows, slice)] of the test tasks (the rows sharing a key, in data order),
    as splitTestTasks (task-split.ts) cuts them; a task of one row has no query row and is left out."""
    out = []
    for rows in group_by_key(keys):
        if len(rows) >= 2:
            ns = support_count(len(rows), fraction)
            out.append((rows[:ns], rows[ns:], task_slice(len(rows))))
    return out


def evaluate_maml(model, ds, spec, stage, device):
    """recc's evaluation of a stage of a model with a meta block, MAML's or not (task-split.ts),
    but scoring with the whole adapted model: each test task's first support rows adapt θ_meta
    (the meta block's inner steps on the stage's objective, no outer gradient), then its query
    rows are scored by the stage's entry; tasks of one row have no query row. recc instead serves
    the meta embedding of the task's latest support row (metaPredict), which can differ where the
    meta block reads features that vary within a task. Printed as `auc (query rows, adapted)`,
    over all query rows and, as recc reports them, per task-size slice (`task_samples=…`, with the
    slice's row count), or per group of the spec's `group_by` column when it has one."""
    inner = spec["meta"]
    meta = inner["params"]
    tasks = [t for t in spec["tasks"] if t["name"] in stage["tasks"]]
    names = [k for k in M.INPUTS[stage["entry"]] if k in ds.inputs]
    P = {n: p.detach().requires_grad_(n in meta) for n, p in model.named_parameters()}
    outs, query, slices = {t["name"]: [] for t in tasks}, [], []
    for support, rows, size in test_tasks(ds.keys[inner["key"]], inner["support"]):
        adapted = adapt(P, stage["entry"], meta, inner, batch_inputs(ds, np.asarray(support), names, tasks, device), create_graph=False)
        with torch.no_grad():
            o = M.ENTRIES[stage["entry"]](adapted, batch_inputs(ds, np.asarray(rows), names, tasks, device))
        for t in tasks:
            outs[t["name"]].append(o[t["name"]].reshape(len(rows), -1).numpy())
        query.extend(rows)
        slices.extend([size] * len(rows))
    report = {}
    if not query:
        return report
    query, slices = np.asarray(query), np.asarray(slices)
    # recc's groups in its order, each with its count: the spec's `group_by` column, else the task
    # sizes (sorted: `25 or more` before `fewer than 25`)
    groups = group_slices(ds.keys, stage, query) if stage["settings"].get("groupBy") else [(f" {TASK_SLICE}={s}", slices == s) for s in sorted(set(slices.tolist()))]
    for t in tasks:
        if t["kind"] != "binary":
            continue
        p, y = np.concatenate(outs[t["name"]])[:, 0], ds.labels[t["name"]][query]
        sliced(report, t["name"], " (query rows, adapted)", p, y, query, ds.keys, stage, [("", np.ones(len(query), dtype=bool))] + groups)
    return report


# ── the plan ─────────────────────────────────────────────────────────────────


def set_learning_rates(optimizers, step, settings, total):
    for opt, base in optimizers:
        for g in opt.param_groups:
            g["lr"] = learning_rate(base, step, settings, total)


def run_stage(model, ddp, stage, spec, ds, args, rank, world, device, sparse_tables, losses, ck, k, resumed):
    """Train stage `k`; `ck`: its checkpoints (checkpoint.Checkpoints); `resumed`: the checkpoint
    it continues from, or None."""
    settings = stage["settings"]
    trainable = set(stage["trainable"])
    for name, p in model.recc_parameters():
        p.requires_grad_(name in trainable)
    net = ddp(model)
    optimizers = make_optimizers(model, stage, sparse_tables)
    at = resume_at(resumed, model, optimizers)
    trained = [p for n, p in model.recc_parameters() if n in trainable]
    tasks = [t for t in spec["tasks"] if t["name"] in stage["tasks"]]
    names = [k for k in M.INPUTS[stage["entry"]] if k in ds.inputs]
    batch = args.batch or settings["batch"]
    epochs = args.epochs if args.epochs is not None else settings["epochs"]
    per_epoch = math.ceil(ds.n / batch)
    total = per_epoch * epochs if args.max_steps is None else min(per_epoch * epochs, args.max_steps)
    step, seen, t0 = at["step"], 0, time.perf_counter()
    for epoch, b, rows in stage_batches(ds.n, batch, settings["seed"], epochs, not args.no_shuffle, at):
        if step >= total:
            break
        ck.before_batch(stage["name"], k, epoch, b, step, model, optimizers, losses)
        mine = np.array_split(rows, world)[rank]
        X = batch_inputs(ds, mine, names, tasks, device)
        set_learning_rates(optimizers, step, settings, total)
        objective = net(X, entry=stage["entry"])["/objective"]
        # DDP averages the ranks' gradients; weighting each rank's mean by its share of the
        # batch makes that average the whole batch's mean gradient
        (objective * (world * len(mine) / len(rows))).backward()
        if settings.get("clipNorm"):
            clip_grad_norm(trained, settings["clipNorm"])
        for opt, _ in optimizers:
            opt.step()
            opt.zero_grad(set_to_none=True)
        loss = all_reduce_sum(objective.detach() * len(mine)).item() / len(rows)
        if not math.isfinite(loss):
            raise SystemExit(f"error: stage {stage['name']}: the loss is {loss} at step {step} (lower the learning rate, or clip)")
        losses.append(loss)
        step += 1
        seen += len(rows)
        if rank == 0 and args.log_every and step % args.log_every == 0:
            print(f"stage {stage['name']} step {step}/{total} loss {loss:.6f}", flush=True)
        ck.after_step(k, epoch, b, step, model, optimizers, losses)
    elapsed = time.perf_counter() - t0
    if rank == 0:
        print(f"stage {stage['name']}: {step} steps, {seen} samples in {elapsed:.2f} s, {seen / max(elapsed, 1e-9):.0f} samples/s on {world} rank{'s' if world > 1 else ''}", flush=True)


def data_name(source):
    """A stage's `data:` as the spec writes it: a file's path, or `synth(setting)`."""
    if not source:
        return "none"
    return source["path"] if source["kind"] == "file" else f"synth({source['setting']})"


def train_stages(model, ddp, stages, first, spec, sets, files, test, held_out, args, rank, world, device, sparse_tables, tables, losses, ck, resumed):
    """Train `stages` (the plan from stage `first` on), each on its data (`sets`, read from
    `files`, by stage name) and evaluated after it; the first continues from `resumed` when it is
    not None."""
    for k, stage in enumerate(stages, start=first):
        maml = stage["step"]["kind"] == "maml"
        learn = ds = sets[stage["name"]]
        # which file, when the stages read more than one
        of = f" of {files[stage['name']]}" if len(set(files.values())) > 1 else ""
        if held_out:
            rows, tested = split.split(ds.n, ds.keys, stage["settings"]["split"], stage["settings"]["seed"])
            learn, test = data.take(ds, rows), data.take(ds, tested)
            if rank == 0:
                print(f"stage {stage['name']}: {learn.n} training rows{of}, {test.n} held out ({split_description(stage['settings']['split'])}, seed {stage['settings']['seed']})", flush=True)
        elif of and rank == 0:
            print(f"stage {stage['name']}: {learn.n} training rows{of}", flush=True)
        at = resumed if k == first else None
        if maml:
            run_maml_stage(model, stage, spec, learn, args, rank, world, device, losses, ck, k, at)
        else:
            run_stage(model, ddp, stage, spec, learn, args, rank, world, device, sparse_tables, losses, ck, k, at)
        # rank 0 evaluates; with TorchRec's sharded tables every rank must run the lookups with it
        if test is not None and test.n > 0 and (rank == 0 or tables is not None):
            note = keyless_note(stage, test.keys.get(spec["meta"]["key"], ()), spec["meta"]["key"], "held-out") if "meta" in spec else None
            if note and rank == 0:
                print(note, flush=True)
            report = evaluate_maml(model, test, spec, stage, device) if "meta" in spec else evaluate(model, test, spec, stage, device)
            for name, v in report.items() if rank == 0 else ():
                # the values of a model with a meta block come with their row count (recc's `n`)
                print(f"  {name} {v[0]:.4f} (n {v[1]})" if isinstance(v, tuple) else f"  {name} {v:.4f}", flush=True)


def torchrec_choice(args, stages, rank):
    """{recc name: ([rows, dim], its optimizer spec)} of the feature tables TorchRec trains
    (--torchrec): tables model.py allows (TORCHREC_ELIGIBLE) with at least --torchrec-rows rows,
    trained by one optimizer in every stage that reads them (a stage that freezes one keeps it a
    module parameter)."""
    if args.torchrec == "off":
        return {}
    big = [n for n in sorted(M.TORCHREC_ELIGIBLE) if M.PARAMS[n][0][0] >= args.torchrec_rows]
    why = None
    if not torchrec_tables.available():
        why = "torchrec does not import here (pip install torchrec, with fbgemm-gpu)"
    elif any(s["step"]["kind"] == "maml" for s in stages):
        why = "a MAML stage's inner loop differentiates through the tables, which TorchRec's fused optimizers do not allow"
    elif not big:
        why = f"no feature table read by one lookup alone has {args.torchrec_rows} rows or more (--torchrec-rows)"
    if why:
        if args.torchrec == "on":
            raise SystemExit(f"error: --torchrec on: {why}")
        return {}
    chosen = {}
    for n in big:
        specs = {repr(a["spec"]): a["spec"] for s in stages for a in s["optimizers"] if n in a["params"]}
        if len(specs) == 1 and not any(n in s["frozen"] for s in stages):
            chosen[n] = (M.PARAMS[n][0], *specs.values())
    if rank == 0 and chosen:
        print(f"TorchRec trains {len(chosen)} feature table{'s' if len(chosen) > 1 else ''} ({', '.join(chosen)}), sharded by DistributedModelParallel; their optimizers run in the backward: no clipping, no warm-up or decay for them", flush=True)
    return chosen


def meta_keys(stages):
    """The columns whose rows make the tasks of the MAML stages among `stages` (their meta key)."""
    return {s["batching"]["key"] for s in stages if s["batching"]["kind"] == "tasks"}


def evaluation_columns(stages):
    """(key columns, group columns) that evaluating `stages` reads: the GAUC keys and a MAML
    stage's meta key; the group column only slices the evaluation, kept when the data has it."""
    keys = {m["by"] for s in stages for m in s["settings"]["metrics"] if m["kind"] == "gauc"}
    return sorted(keys | meta_keys(stages)), sorted({s["settings"]["groupBy"] for s in stages if s["settings"].get("groupBy")})


def training_columns(stages, held_out):
    """(key columns, group columns) of the training data of `stages`: a MAML stage's meta key and,
    when the stages hold rows out of it, their evaluation's columns and their split's column."""
    if not held_out:
        return sorted(meta_keys(stages)), ()
    keys, groups = evaluation_columns(stages)
    split_columns = {c for s in stages for c in [s["settings"]["split"].get("key") or s["settings"]["split"].get("by")] if c}
    return sorted(set(keys) | split_columns), groups


def split_description(spec):
    """`by_key(user_id, test: 0.25)`, as the spec writes it."""
    column = spec.get("key") or spec.get("by")
    return f"{spec['kind']}({column + ', ' if column else ''}test: {spec['test']})"


def main(argv=None):
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    rank, world, device = setup(args)
    spec = data.load_spec()
    stages = spec["plan"]["stages"]
    own = stage_files(args.stage_data, stages)
    chosen = torchrec_choice(args, stages, rank)
    if chosen and not dist.is_initialized():
        # DistributedModelParallel needs a process group, of one process here
        dist.init_process_group(args.backend or ("nccl" if device.type == "cuda" else "gloo"), init_method=f"tcp://127.0.0.1:{free_port()}", rank=0, world_size=1)
    tables = torchrec_tables.TorchRecTables({n: shape for n, (shape, _) in chosen.items()}, device) if chosen else None
    model = M.Model(sparse=not (dist.is_initialized() and dist.get_backend() == "nccl"), torchrec=tables)
    sparse_tables = model.sparse_tables
    try:
        init = weights.load(args.init)
    except (weights.WeightsError, OSError) as e:
        # a bad --init is the user's input, not a bug: one line naming it, the usage status
        why = e if isinstance(e, weights.WeightsError) else f"cannot read {args.init}: {e.strerror or e}"
        print(f"error: --init {why} [REC6006]", file=sys.stderr)
        raise SystemExit(2) from None
    missing = [n for n in M.PARAMS if n not in init]
    wrong = [n for n in M.PARAMS if n in init and list(init[n].shape) != M.PARAMS[n][0]]
    if missing or wrong:
        raise SystemExit(f"error: {args.init} does not match the model: missing {missing[:5]}, other shapes {wrong[:5]} [REC6005]")
    with torch.no_grad():
        for n, p in model.recc_parameters():
            p.copy_(init[n])
    model.to(device)
    if tables is not None:
        tables.load(init)
        tables.apply_optimizers({n: torch_optimizer(spec) for n, (_, spec) in chosen.items()})
        from torchrec.distributed import DistributedModelParallel
        from torchrec.distributed.embedding import EmbeddingCollectionSharder

        # shards the tables across the ranks and wraps the rest of the model in DDP
        sharded = DistributedModelParallel(module=model, device=device, sharders=[EmbeddingCollectionSharder()])
        ddp = lambda m: sharded  # noqa: E731
    elif world > 1:
        ddp = lambda m: torch.nn.parallel.DistributedDataParallel(m, device_ids=[device.index] if device.type == "cuda" else None)  # noqa: E731
    else:
        ddp = lambda m: m  # noqa: E731
    # held out of each stage's data, unless --test or --no-split: the stage's split of the spec (split.py)
    held_out = not args.test and not args.no_split
    files = {s["name"]: own.get(s["name"], args.data) for s in stages}
    try:
        # each file once, with the columns of every stage that reads it
        encoded = {path: data.encode(path, spec, *training_columns([s for s in stages if files[s["name"]] == path], held_out)) for path in dict.fromkeys(files.values())}
        test = data.encode(args.test, spec, *evaluation_columns(stages)) if args.test else None
    except data.DataError as e:
        raise SystemExit(f"error: {e}") from None
    except OSError as e:
        # a file that is missing or unreadable is the user's input: one line, not a traceback
        raise SystemExit(f"error: cannot read {e.filename}: {e.strerror} [REC2009]") from None
    sets = {name: encoded[path] for name, path in files.items()}
    # a checkpoint fits a run of the same model, data size, batches and schedule
    settings = {"model": spec["model"], "rows": {name: d.n for name, d in sets.items()}, "batch": args.batch, "epochs": args.epochs, "max_steps": args.max_steps, "shuffle": not args.no_shuffle}
    path = args.checkpoint or f"{args.out}.checkpoint"
    if tables is not None and (args.resume or args.checkpoint_every):
        raise SystemExit("error: checkpoints do not hold TorchRec's sharded tables: use --torchrec off to checkpoint or resume")
    try:
        resumed = checkpoint.load(path, settings) if args.resume else None
    except checkpoint.CheckpointError as e:
        raise SystemExit(f"error: {e}") from None
    losses = list(resumed["losses"]) if resumed else []
    first = resumed["position"]["stage"] if resumed else 0
    if resumed and rank == 0:
        at = resumed["position"]
        print(f"resuming from {path}: stage {stages[first]['name']}, step {at['step']} (epoch {at['epoch'] + 1}, batch {at['batch']})", flush=True)
    if rank == 0:
        # what a killed run left half written beside the checkpoint and the weights
        for target in (path, args.out):
            checkpoint.sweep_temps(target)
        # recc train reads each stage's own `data:`; this script reads --data unless told otherwise
        sources = {s["name"]: data_name(s["settings"].get("data")) for s in stages}
        if len(set(sources.values())) > 1 and not own:
            named = ", ".join(f"{k}: {v}" for k, v in sources.items())
            print(f"note: the spec's stages read different data ({named}); train.py trains every stage on --data ({args.data}): give a stage its own with --stage-data STAGE=FILE", flush=True)
    stopper = checkpoint.Stopper(device)
    stopper.install()
    ck = checkpoint.Checkpoints(stopper, path, args.checkpoint_every, rank, settings, writable=tables is None)
    try:
        train_stages(model, ddp, stages[first:], first, spec, sets, files, test, held_out, args, rank, world, device, sparse_tables, tables, losses, ck, resumed)
    except checkpoint.Stopped as e:
        if rank == 0:
            print(str(e), file=sys.stderr, flush=True)
        sys.stdout.flush()
        # Out at once, the checkpoint written: tearing the process group down (or Python's own
        # teardown of it) can wait forever on a rank that has already gone (seen with gloo).
        os._exit(128 + e.signum)
    everything = model.state_dict()
    state = {n: p for n, p in everything.items() if n in M.PARAMS}
    if tables is not None:
        state.update(tables.recc_state(everything, "@torchrec."))
    meta = {"recc.model": spec["model"], "recc.weights": f"trained by PyTorch {torch.__version__} on {world} rank(s)"}
    if rank == 0:
        weights.save(args.out, state, meta)
        if args.losses:
            with open(args.losses, "w") as f:
                f.write("".join(f"{x!r}\n" for x in losses))
    if args.save_every_rank:
        weights.save(f"{args.out}.rank{rank}", state, meta)
    if dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
