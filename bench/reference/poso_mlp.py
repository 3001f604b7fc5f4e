# PyTorch reference for bench/train-throughput.mjs: the same POSO-MLP model, batch, optimizer and
# loss as bench/poso-reference.rec, one thread. Prints samples/s as JSON.
#   poso_mlp.py [steps] [--sparse] [--threads=N] [--warmup=W]   (N intra-op threads, default 1;
#   W unmeasured steps first, default 5)
# --sparse: the embedding tables get sparse gradients and SparseAdam (lazy Adam: only the rows of
# the batch move), the update recc applies to lookup-only tables; the rest keeps Adam. Without it,
# dense gradients and Adam over whole tables (PyTorch's default).
# The model is importable (poso_mlp_export.py serves it): PosoMlp(bag=False) pools with
# nn.Embedding(padding_idx=0) and a sum instead of nn.EmbeddingBag, which torch.onnx exports as a
# Loop per bag (12× slower in onnxruntime).
import json, sys, time
import torch
import torch.nn as nn

V, D, FEATURES, PC_ROWS = 10001, 16, 8, 101
WIDTHS = [128, 256, 128, 64]


class Gate(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.l1, self.l2 = nn.Linear(8, 32), nn.Linear(32, width)

    def forward(self, pc):
        return 2.0 * torch.sigmoid(self.l2(torch.relu(self.l1(pc))))


class PosoMlp(nn.Module):
    def __init__(self, sparse=False, bag=True):
        super().__init__()
        self.bag = bag
        if bag:
            self.emb = nn.ModuleList([nn.EmbeddingBag(V, D, mode="sum", sparse=sparse) for _ in range(FEATURES)])
        else:
            self.emb = nn.ModuleList([nn.Embedding(V, D, padding_idx=0, sparse=sparse) for _ in range(FEATURES)])
        self.pc = nn.Embedding(PC_ROWS, 8, sparse=sparse)
        ins = [FEATURES * D] + WIDTHS[:-1]
        self.layers = nn.ModuleList([nn.Linear(i, o) for i, o in zip(ins, WIDTHS)])
        self.gates = nn.ModuleList([Gate(w) for w in WIDTHS])
        self.out = nn.Linear(WIDTHS[-1], 1)

    def trunk(self, bags, pc):
        x = torch.cat([e(b) if self.bag else e(b).sum(1) for e, b in zip(self.emb, bags)], dim=1)
        p = self.pc(pc)
        for layer, gate in zip(self.layers, self.gates):
            x = gate(p) * torch.relu(layer(x))
        return self.out(x)

    def forward(self, ids, pc):
        """Training: ids [B, 8, 3], pc [B] → logits [B]."""
        return self.trunk([ids[:, k, :] for k in range(FEATURES)], pc).squeeze(1)


def main():
    threads = int(next((a.split('=')[1] for a in sys.argv[1:] if a.startswith('--threads=')), 1))
    warmup = int(next((a.split('=')[1] for a in sys.argv[1:] if a.startswith('--warmup=')), 5))
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    sparse = '--sparse' in sys.argv
    B, STEPS = 1024, int(args[0]) if args else 60
    model = PosoMlp(sparse=sparse)
    if sparse:
        tables = [p for m in [*model.emb, model.pc] for p in m.parameters()]
        dense = [p for p in model.parameters() if all(p is not t for t in tables)]
        opts = [torch.optim.SparseAdam(tables, lr=1e-3), torch.optim.Adam(dense, lr=1e-3)]
    else:
        opts = [torch.optim.Adam(model.parameters(), lr=1e-3)]
    loss_fn = nn.BCEWithLogitsLoss()
    ids = torch.randint(1, V, (B, FEATURES, 3))
    pc = torch.randint(1, PC_ROWS, (B,))
    y = (torch.rand(B) < 0.3).float()

    def step():
        for opt in opts:
            opt.zero_grad()
        loss = loss_fn(model(ids, pc), y)
        loss.backward()
        for opt in opts:
            opt.step()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(STEPS):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    median = sorted(times)[len(times) // 2]
    print(json.dumps({"samples_per_s": B * STEPS / sum(times), "median_step_ms": median * 1000, "threads": torch.get_num_threads(), "torch": torch.__version__, "sparse": sparse}))


if __name__ == '__main__':
    main()
