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
"""
import argparse
import math
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import data  # noqa: E402
import model as M  # noqa: E402
import weights  # noqa: E402

MAX_PAIRS = 4096


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="training data (.csv, .tsv, .jsonl)")
    p.add_argument("--test", help="data to evaluate on after each stage (AUC / GAUC of binary tasks)")
    p.add_argument("--init", default=os.path.join(HERE, "init.safetensors"), help="starting weights: recc's initial weights (default) or a recc checkpoint")
    p.add_argument("--out", default="model.safetensors", help="where rank 0 writes the trained weights")
    p.add_argument("--save-every-rank", action="store_true", help="also write <out>.rank<r> on every rank (to compare replicas)")
    p.add_argument("--epochs", type=int, help="epochs per stage (default: the spec's)")
    p.add_argument("--batch", type=int, help="global batch size (default: the spec's)")
    p.add_argument("--max-steps", type=int, help="stop each stage after this many steps")
    p.add_argument("--no-shuffle", action="store_true", help="batches in file order")
    p.add_argument("--backend", choices=["gloo", "nccl"], help="torch.distributed backend (default: nccl with CUDA, else gloo)")
    p.add_argument("--threads", type=int, help="torch intra-op threads per process")
    p.add_argument("--log-every", type=int, default=0, help="print the loss every N steps (rank 0)")
    p.add_argument("--losses", help="write each step's global loss here, one per line (rank 0)")
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


def all_reduce_sum(x):
    if dist.is_initialized():
        dist.all_reduce(x)
    return x


# ── optimizers, schedule, clipping ──────────────────────────────────────────


def make_optimizers(model, stage, sparse_tables):
    """One torch optimizer per (group, dense | sparse) of the stage: [(optimizer, base lr)]."""
    by_name = dict(model.named_parameters())
    out = []
    for a in stage["optimizers"]:
        spec = a["spec"]
        for sparse in (False, True):
            params = [by_name[n] for n in a["params"] if (n in sparse_tables) == sparse]
            if not params:
                continue
            lr = spec["lr"]
            if spec["kind"] == "adam":
                kw = dict(lr=lr, betas=(spec.get("beta1", 0.9), spec.get("beta2", 0.999)), eps=spec.get("epsilon", 1e-8))
                opt = torch.optim.SparseAdam(params, **kw) if sparse else torch.optim.Adam(params, **kw)
            elif spec["kind"] == "adagrad":
                opt = torch.optim.Adagrad(params, lr=lr, initial_accumulator_value=spec.get("initialAccumulator", 0.1), eps=1e-7)
            else:
                opt = torch.optim.SGD(params, lr=lr)
            out.append((opt, lr))
    return out


def learning_rate(base, step, settings, total):
    """recc's schedule (src/train/schedule.ts): warm-up, then constant or cosine to 0."""
    w = settings.get("warmupSteps") or 0
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
    model.eval()
    names = list(M.INPUTS["serve"])
    tasks = [t for t in spec["tasks"] if t["name"] in stage["tasks"]]
    outs = {t["name"]: [] for t in tasks}
    with torch.no_grad():
        for start in range(0, ds.n, 4096):
            rows = np.arange(start, min(ds.n, start + 4096))
            o = model(batch_inputs(ds, rows, names, [], device), entry="serve")
            for t in tasks:
                outs[t["name"]].append(o[t["name"]].reshape(len(rows), -1).cpu().numpy())
    model.train()
    report = {}
    for t in tasks:
        if t["kind"] != "binary":
            continue
        p = np.concatenate(outs[t["name"]])[:, 0]
        report[f"{t['name']} auc"] = auc(p, ds.labels[t["name"]])
        for m in stage["settings"]["metrics"]:
            if m["kind"] == "gauc":
                report[f"{t['name']} gauc({m['by']})"] = gauc(p, ds.labels[t["name"]], ds.keys[m["by"]])
    return report


# ── the plan ─────────────────────────────────────────────────────────────────


def run_stage(model, ddp, stage, spec, ds, args, rank, world, device, sparse_tables, losses):
    settings = stage["settings"]
    trainable = set(stage["trainable"])
    for name, p in model.named_parameters():
        p.requires_grad_(name in trainable)
    net = ddp(model)
    optimizers = make_optimizers(model, stage, sparse_tables)
    trained = [p for n, p in model.named_parameters() if n in trainable]
    tasks = [t for t in spec["tasks"] if t["name"] in stage["tasks"]]
    names = [k for k in M.INPUTS[stage["entry"]] if k in ds.inputs]
    batch = args.batch or settings["batch"]
    epochs = args.epochs if args.epochs is not None else settings["epochs"]
    per_epoch = math.ceil(ds.n / batch)
    total = per_epoch * epochs if args.max_steps is None else min(per_epoch * epochs, args.max_steps)
    step, seen, t0 = 0, 0, time.perf_counter()
    for epoch in range(epochs):
        for rows in global_batches(ds.n, batch, settings["seed"], epoch, not args.no_shuffle):
            if step >= total:
                break
            mine = np.array_split(rows, world)[rank]
            X = batch_inputs(ds, mine, names, tasks, device)
            for opt, base in optimizers:
                for g in opt.param_groups:
                    g["lr"] = learning_rate(base, step, settings, total)
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
    elapsed = time.perf_counter() - t0
    if rank == 0:
        print(f"stage {stage['name']}: {step} steps, {seen} samples in {elapsed:.2f} s, {seen / max(elapsed, 1e-9):.0f} samples/s on {world} rank{'s' if world > 1 else ''}", flush=True)


def main(argv=None):
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    rank, world, device = setup(args)
    spec = data.load_spec()
    model = M.Model(sparse=not (dist.is_initialized() and dist.get_backend() == "nccl"))
    sparse_tables = model.sparse_tables
    init = weights.load(args.init)
    missing = [n for n in M.PARAMS if n not in init]
    wrong = [n for n, p in model.named_parameters() if n in init and list(init[n].shape) != list(p.shape)]
    if missing or wrong:
        raise SystemExit(f"error: {args.init} does not match the model: missing {missing[:5]}, other shapes {wrong[:5]} [REC6005]")
    model.load_state_dict({n: init[n] for n in M.PARAMS})
    model.to(device)
    if world > 1:
        ddp = lambda m: torch.nn.parallel.DistributedDataParallel(m, device_ids=[device.index] if device.type == "cuda" else None)  # noqa: E731
    else:
        ddp = lambda m: m  # noqa: E731
    keys = sorted({m["by"] for s in spec["plan"]["stages"] for m in s["settings"]["metrics"] if m["kind"] == "gauc"})
    try:
        ds = data.encode(args.data, spec)
        test = data.encode(args.test, spec, keys) if args.test else None
    except data.DataError as e:
        raise SystemExit(f"error: {e}") from None
    losses = []
    for stage in spec["plan"]["stages"]:
        run_stage(model, ddp, stage, spec, ds, args, rank, world, device, sparse_tables, losses)
        if test is not None and rank == 0:
            for k, v in evaluate(model, test, spec, stage, device).items():
                print(f"  {k} {v:.4f}", flush=True)
    state = {n: p for n, p in model.state_dict().items()}
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
