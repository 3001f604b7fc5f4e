# PyTorch reference for bench/train-throughput.mjs: the same POSO-MLP model, batch, optimizer and
# loss as bench/poso-reference.rec, one thread. Prints samples/s as JSON.
import json, sys, time
import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(0)
B, V, D, STEPS = 1024, 10001, 16, int(sys.argv[1]) if len(sys.argv) > 1 else 60

class Gate(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.l1, self.l2 = nn.Linear(8, 32), nn.Linear(32, width)
    def forward(self, pc):
        return 2.0 * torch.sigmoid(self.l2(torch.relu(self.l1(pc))))

class PosoMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.ModuleList([nn.EmbeddingBag(V, D, mode="sum") for _ in range(8)])
        self.pc = nn.Embedding(101, 8)
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
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.BCEWithLogitsLoss()
ids = torch.randint(1, V, (B, 8, 3))
pc = torch.randint(1, 101, (B,))
y = (torch.rand(B) < 0.3).float()

def step():
    opt.zero_grad()
    loss = loss_fn(model(ids, pc), y)
    loss.backward()
    opt.step()

for _ in range(5):
    step()
t = time.perf_counter()
for _ in range(STEPS):
    step()
dt = time.perf_counter() - t
print(json.dumps({"samples_per_s": B * STEPS / dt, "threads": torch.get_num_threads(), "torch": torch.__version__}))
