# PyTorch reference for bench/train-throughput.mjs: the same POSO-MLP model, batch, optimizer and
# loss as bench/poso-reference.rec, one thread. Prints samples/s as JSON.
#   poso_mlp.py [steps] [--sparse]
# --sparse: the embedding tables get sparse gradients and SparseAdam (lazy Adam: only the rows of
# the batch move), the update recc applies to lookup-only tables; the rest keeps Adam. Without it,
# dense gradients and Adam over whole tables (PyTorch's default).
import json, sys, time
import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(0)
args = [a for a in sys.argv[1:] if not a.startswith('--')]
SPARSE = '--sparse' in sys.argv
B, V, D, STEPS = 1024, 10001, 16, int(args[0]) if args else 60

class Gate(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.l1, self.l2 = nn.Linear(8, 32), nn.Linear(32, width)
    def forward(self, pc):
        return 2.0 * torch.sigmoid(self.l2(torch.relu(self.l1(pc))))

class PosoMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.ModuleList([nn.EmbeddingBag(V, D, mode="sum", sparse=SPARSE) for _ in range(8)])
        self.pc = nn.Embedding(101, 8, sparse=SPARSE)
        widths = [128, 256, 128, 64]
        ins = [8 * D] + widths[:-1]
        self.layers = nn.ModuleList([nn.Linear(i, o) for i, o in zip(ins, widths)])
        self.gates = nn.ModuleList([Gate(w) for w in widths])
        self.out = nn.Linear(64, 1)
    def forward(self, ids, pc):
        x = torch.cat([e(ids[:, k, :]) for k, e in enumerate(self.emb)], dim=1)
        p = self.pc(pc)
        for layer, gate in zip(self.layers, self.gates):
            x = gate(p) * torch.relu(layer(x))
        return self.out(x).squeeze(1)

model = PosoMlp()
if SPARSE:
    tables = [p for m in [*model.emb, model.pc] for p in m.parameters()]
    dense = [p for p in model.parameters() if all(p is not t for t in tables)]
    opts = [torch.optim.SparseAdam(tables, lr=1e-3), torch.optim.Adam(dense, lr=1e-3)]
else:
    opts = [torch.optim.Adam(model.parameters(), lr=1e-3)]
loss_fn = nn.BCEWithLogitsLoss()
ids = torch.randint(1, V, (B, 8, 3))
pc = torch.randint(1, 101, (B,))
y = (torch.rand(B) < 0.3).float()

def step():
    for opt in opts:
        opt.zero_grad()
    loss = loss_fn(model(ids, pc), y)
    loss.backward()
    for opt in opts:
        opt.step()

for _ in range(5):
    step()
times = []
for _ in range(STEPS):
    t = time.perf_counter()
    step()
    times.append(time.perf_counter() - t)
median = sorted(times)[len(times) // 2]
print(json.dumps({"samples_per_s": B * STEPS / sum(times), "median_step_ms": median * 1000, "threads": torch.get_num_threads(), "torch": torch.__version__, "sparse": SPARSE}))
