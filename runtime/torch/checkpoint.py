"""Resumable checkpoints of train.py, and stopping on SIGINT / SIGTERM (copied by `recc export
torch`; see README.md).

A checkpoint holds every parameter, each optimizer's state, where the run is (the stage, the
epoch, the next batch and the steps taken in the stage) and the losses so far. Batches are drawn
from the seed and the epoch (train.global_batches), so `--resume` continues at that very batch and
ends with the weights of an uninterrupted run. Rank 0 writes it whole beside its target, then
renames it (a killed write loses nothing).

The first SIGINT or SIGTERM (a scheduler preempting the job) asks to stop before the next step;
under torch.distributed the ranks agree on it (a max all-reduce every AGREE_EVERY steps), so they
stop at the same step, and rank 0 writes a checkpoint. A second signal exits at once, removing a
checkpoint it cut off half written. The exit status is the shell's for the signal (130, 143). What
a killed run (SIGKILL, the OOM killer) left half written beside the checkpoint or the weights is
removed when the next run starts (sweep_temps).
"""

import os
import re
import signal
import sys

import torch
import torch.distributed as dist

FORMAT = "recc train.py checkpoint 1"
AGREE_EVERY = 10


class Stopped(Exception):
    """Raised by a stage when the run stops on a signal, after its checkpoint (if any)."""

    def __init__(self, signum, message):
        super().__init__(message)
        self.signum = signum


class Stopper:
    """The stop signals, caught from install() on."""

    def __init__(self, device):
        self.signum = 0
        self.device = device
        # the temporary file a checkpoint is being written to, removed if a second signal exits
        self.writing = None

    def install(self):
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, self._caught)

    def _caught(self, signum, frame):
        if self.signum:
            if self.writing:
                remove_quietly(self.writing)
            os._exit(128 + signum)
        self.signum = signum
        print(f"{signal.Signals(signum).name}: stopping after this step to write a checkpoint (send it again to stop at once)", file=sys.stderr, flush=True)

    def agreed(self, step):
        """The signal any rank caught (0: none), the same number on every rank. Ranks compare every
        AGREE_EVERY steps, all at the same steps: an all-reduce each step would be a second
        collective in every step."""
        if not dist.is_initialized():
            return self.signum
        if step % AGREE_EVERY != 0:
            return 0
        t = torch.tensor([float(self.signum)], device=self.device)
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return int(t.item())


def remove_quietly(path):
    try:
        os.remove(path)
    except OSError:
        pass


def temp_of(path):
    """Where a checkpoint of `path` is written before it is renamed over it."""
    return f"{path}.tmp{os.getpid()}"


def sweep_temps(path):
    """Remove what killed writers of `path` left beside it: `<path>.tmp<pid>` (a checkpoint) and
    `<path>.tmp-<pid>` (weights.save) of processes that no longer run. A live writer's is kept."""
    folder, base = os.path.split(os.path.abspath(path))
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    temp = re.compile(re.escape(base) + r"\.tmp-?(\d+)")
    removed = []
    for name in names:
        m = temp.fullmatch(name)
        if not m or int(m[1]) == os.getpid() or alive(int(m[1])):
            continue
        remove_quietly(os.path.join(folder, name))
        removed.append(name)
    return removed


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process: alive
    return True


def save(path, model, optimizers, position, losses, settings, stopper=None):
    """Write the checkpoint of the run at `position` ({stage, epoch, batch, step}: the next batch);
    `stopper` learns the temporary file while it is written."""
    state = {
        "format": FORMAT,
        "position": position,
        "settings": settings,
        "params": {n: p.detach().cpu().clone() for n, p in model.named_parameters()},
        "optimizers": [opt.state_dict() for opt, _ in optimizers],
        # train.SparseAdam counts its steps itself (its ε follows the bias correction)
        "steps": [getattr(opt, "t", None) for opt, _ in optimizers],
        "losses": list(losses),
    }
    tmp = temp_of(path)
    if stopper is not None:
        stopper.writing = tmp
    try:
        torch.save(state, tmp)
        os.replace(tmp, path)
    finally:
        if stopper is not None:
            stopper.writing = None
        remove_quietly(tmp)


class CheckpointError(Exception):
    pass


def load(path, settings):
    """The checkpoint at `path`, checked against this run's settings (the batch and the epochs fix
    the batches and the schedule)."""
    try:
        state = torch.load(path, map_location="cpu")
    except FileNotFoundError:
        raise CheckpointError(f"--resume: there is no checkpoint at {path} (a run writes one when it stops on a signal, or with --checkpoint-every)") from None
    except Exception as e:  # a damaged or foreign file: one line, not a trace
        raise CheckpointError(f"--resume: {path} is not a checkpoint of train.py ({type(e).__name__})") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(f"--resume: {path} is not a checkpoint of train.py ({FORMAT})")
    if state["settings"] != settings:
        differ = ", ".join(f"{k} {state['settings'].get(k)!r} there, {v!r} here" for k, v in settings.items() if state["settings"].get(k) != v)
        raise CheckpointError(f"--resume: {path} was written by a run with other settings ({differ}); resume with the same ones, or start afresh")
    return state


def restore(state, model, optimizers):
    """Put the checkpoint's parameters into `model` and its optimizer states into `optimizers`
    (those of the stage it stopped in, made as that run made them)."""
    with torch.no_grad():
        for n, p in model.named_parameters():
            p.copy_(state["params"][n])
    if len(optimizers) != len(state["optimizers"]):
        raise CheckpointError("--resume: the checkpoint's optimizers are not this stage's")
    for (opt, _), saved, t in zip(optimizers, state["optimizers"], state["steps"]):
        opt.load_state_dict(saved)
        if t is not None:
            opt.t = t


class Checkpoints:
    """What a stage's loop does about checkpoints: stop on a signal before a batch, and write one
    every `every` steps (0: never). `writable` is false when TorchRec shards tables, whose state a
    checkpoint does not hold: a signal then stops the run without one."""

    def __init__(self, stopper, path, every, rank, settings, writable):
        self.stopper, self.path, self.every, self.rank, self.settings, self.writable = stopper, path, every, rank, settings, writable

    def _save(self, model, optimizers, position, losses):
        if self.rank == 0 and self.writable:
            save(self.path, model, optimizers, position, losses, self.settings, self.stopper)

    def before_batch(self, stage, k, epoch, batch, step, model, optimizers, losses):
        """Stop here (Stopped) when a rank caught a signal, after a checkpoint of this position."""
        signum = self.stopper.agreed(step)
        if not signum:
            return
        self._save(model, optimizers, {"stage": k, "epoch": epoch, "batch": batch, "step": step}, losses)
        what = f"checkpoint written to {self.path}; continue with --resume" if self.writable else "no checkpoint: it does not hold TorchRec's sharded tables"
        raise Stopped(signum, f"stopped by {signal.Signals(signum).name} in stage {stage} after step {step} (epoch {epoch + 1}, batch {batch}): {what}")

    def after_step(self, k, epoch, batch, step, model, optimizers, losses):
        """Write a checkpoint every `every` steps; the position is the next batch."""
        if self.every and step % self.every == 0:
            self._save(model, optimizers, {"stage": k, "epoch": epoch, "batch": batch + 1, "step": step}, losses)
