"""Feature tables trained by TorchRec (train.py --torchrec; copied by `recc export torch`).

The tables model.py lists in TORCHREC_ELIGIBLE (read by one lookup and nothing else) can live in
one TorchRec EmbeddingCollection instead of being parameters of the module: DistributedModelParallel
then shards them across the ranks (tables larger than one device), and each trains with the
optimizer TorchRec fuses into its backward (apply_optimizer_in_backward), as TorchRec trains
tables. The lookups are unpooled (EmbeddingCollection, not EmbeddingBagCollection), so model.py
keeps its own masks and pooling and every kind of lookup (a bag, one id, a sequence read by
position) gives what F.embedding gives. Id 0 is padding: it is left out of the jagged batch and its
positions read a zero vector, so row 0 is never read nor updated, as with padding_idx.

What differs from the other tables (the README says so too): their optimizer steps inside the
backward, so global-norm clipping does not see their gradients and the learning-rate schedule
(warm-up, cosine) does not reach them; they train at their group's base learning rate. Adam on
them is TorchRec's (per row, lazy), without train.py's SparseAdam ε correction.

Tested where recc is tested against a shim of the TorchRec API used here (TorchRec cannot be
installed there); see the README.
"""
import torch

# one table a feature; TorchRec's names are recc's paths with the dots replaced
KEY_SEP = "__"


def available():
    """Whether torchrec imports here."""
    try:
        import torchrec  # noqa: F401
    except ImportError:
        return False
    return True


def key_of(name):
    return name.replace(".", KEY_SEP)


class TorchRecTables(torch.nn.Module):
    """recc's feature tables `tables` ({recc name: [rows, dim]}) as one EmbeddingCollection."""

    def __init__(self, tables, device=None):
        super().__init__()
        from torchrec import EmbeddingCollection, EmbeddingConfig

        self.names = list(tables)
        configs = [EmbeddingConfig(name=key_of(n), num_embeddings=rows, embedding_dim=dim, feature_names=[key_of(n)]) for n, (rows, dim) in tables.items()]
        self.ec = EmbeddingCollection(tables=configs, device=device)

    def weight(self, name):
        return self.ec.embeddings[key_of(name)].weight

    @torch.no_grad()
    def load(self, init):
        """Copy recc's weights {recc name: tensor} into the (not yet sharded) tables."""
        for n in self.names:
            self.weight(n).copy_(init[n])

    def apply_optimizers(self, optimizers):
        """Each table's optimizer {recc name: (torch optimizer class, kwargs)}, fused into the backward."""
        from torchrec.optim.apply_optimizer_in_backward import apply_optimizer_in_backward

        for n in self.names:
            cls, kwargs = optimizers[n]
            apply_optimizer_in_backward(cls, [self.weight(n)], kwargs)

    def lookup(self, name, ids):
        """Rows of table `name` for `ids` (any shape, int64; 0 is padding) → ids.shape + [dim]."""
        from torchrec import KeyedJaggedTensor

        key = key_of(name)
        flat = ids.reshape(ids.shape[0], -1)
        real = flat != 0
        kjt = KeyedJaggedTensor.from_lengths_sync(keys=[key], values=flat[real], lengths=real.sum(1).to(torch.int32))
        rows = self.ec(kjt)[key].values()
        out = torch.zeros(flat.numel(), rows.shape[-1], dtype=rows.dtype, device=rows.device)
        out = out.index_put((real.reshape(-1).nonzero().squeeze(1),), rows)
        return out.reshape(*ids.shape, rows.shape[-1])

    def lookups(self):
        """{recc name: lookup function} for model.py's `embed`."""
        return {n: (lambda ids, n=n: self.lookup(n, ids)) for n in self.names}

    def recc_state(self, state, prefix):
        """{recc name: whole tensor} of the tables in a state dict whose keys start with `prefix`
        (a sharded table is gathered on rank 0; other ranks get None)."""
        out = {}
        for n in self.names:
            t = state[f"{prefix}ec.embeddings.{key_of(n)}.weight"]
            out[n] = whole(t)
        return out


def whole(t):
    """A table as one tensor: as it is, or a ShardedTensor gathered on rank 0 (None elsewhere)."""
    if not hasattr(t, "local_shards"):
        return t.detach()
    import torch.distributed as dist

    full = torch.empty(t.size(), dtype=t.dtype) if dist.get_rank() == 0 else None
    t.gather(dst=0, out=full)
    return full
