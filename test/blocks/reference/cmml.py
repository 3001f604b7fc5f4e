# An independent implementation of the CMML blocks of test/blocks/cmml.test.ts, in PyTorch:
# torch.nn.GRU for the sequential encoder (Eq. 7), torch.nn.functional for the rest (Eq. 6, 8–13).
# Reads {weights, inputs} as JSON on stdin (kernels are [in, out]), prints each task's output.
import json
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
payload = json.load(sys.stdin)
W = {k: torch.tensor(v["data"]).reshape(v["shape"]) for k, v in payload["weights"].items()}
X = {k: torch.tensor(v["data"]).reshape(v["shape"]) for k, v in payload["inputs"].items()}


def lin(x, prefix):
    return x @ W[prefix + ".kernel"] + W[prefix + ".bias"]


mask = X["history.mask"]  # [B, S]
pairs = torch.cat([X["history.user"], X["history.item"], X["history.label"].unsqueeze(-1)], dim=-1)
x = torch.cat([X["user"], X["item"]], dim=-1)
B = x.shape[0]

# SE (Eq. 7): torch's GRU over each query's valid pairs (left-aligned), last state, ReLU layer.
H = W["se.gru0.u"].shape[0]
gru = torch.nn.GRU(input_size=pairs.shape[-1], hidden_size=H, batch_first=True)
with torch.no_grad():
    gru.weight_ih_l0.copy_(W["se.gru0.w"].T)  # torch: [3H, d], rows r | z | n
    gru.weight_hh_l0.copy_(W["se.gru0.u"].T)
    gru.bias_ih_l0.copy_(W["se.gru0.bw"])
    gru.bias_hh_l0.copy_(W["se.gru0.bu"])
states = []
for b in range(B):
    n = int(mask[b].sum().item())
    if n == 0:
        states.append(torch.zeros(H))
    else:
        _, h = gru(pairs[b : b + 1, :n])
        states.append(h[0, 0])
se = F.relu(lin(torch.stack(states).detach(), "se.mlp0.dense0"))


# PE (Eq. 6): shared ReLU layer on every pair, then masked mean or max (0 for an empty set).
def pe(prefix, pool):
    h = F.relu(lin(pairs, prefix + ".mlp0.dense0"))  # [B, S, d]
    m = mask.unsqueeze(-1)
    if pool == "mean":
        return (h * m).sum(1) / m.sum(1).clamp(min=1)
    best = torch.where(m > 0, h, torch.full_like(h, -1e30)).max(1).values
    return torch.where(m.sum(1) > 0, best, torch.zeros_like(best))


pe_mean = pe("pe", "mean")
pm = pe("pm", "max")

# Eq. 8
hd = se * x
hm = F.relu(lin(torch.cat([pe_mean, x], -1), "hm.mlp0.dense0"))

# Eq. 9: o = w(C)·h + b(C)
h = F.relu(lin(x, "wm.mlp0.dense0"))
z = F.relu(lin(hd, "wm.mlp1.dense0"))
wm = (lin(z, "wm.dense0") * h).sum(-1, keepdim=True) + lin(z, "wm.dense1")


# Eq. 10 and 11, two layers each; the hyper-network's layers are chained.
def modulated(c, x, p, film):
    z = c
    h = x
    for layer in range(2):
        z = F.relu(lin(z, f"{p}.dense{4 * layer}" if film else f"{p}.dense{3 * layer}"))
        if film:
            gw, bb, gb = (f"{p}.dense{4 * layer + k}" for k in (1, 2, 3))
            h = F.relu(lin(z, gw) * lin(h, bb) + lin(z, gb))
        else:
            gw, bb = (f"{p}.dense{3 * layer + k}" for k in (1, 2))
            h = F.relu(torch.sigmoid(lin(z, gw)) * lin(h, bb))
    return h


sg = modulated(hd, x, "sg", film=False)
fm = modulated(hm, x, "fm", film=True)

# Eq. 12–13: modules as a [B, width, m] tensor; route matrices [B, m_src, m_dest], softmax over source.
o1 = torch.stack([F.relu(lin(x, "sm.dense0")), F.relu(lin(x, "sm.dense1"))], dim=2)
z = F.relu(lin(hd, "sm.dense2"))
p1 = torch.softmax(lin(z, "sm.dense3").reshape(B, 2, 2), dim=1)
in2 = torch.bmm(o1, p1)
o2 = torch.stack([F.relu(lin(in2[:, :, 0], "sm.dense4")), F.relu(lin(in2[:, :, 1], "sm.dense5"))], dim=2)
z = F.relu(lin(z, "sm.dense6"))
p2 = torch.softmax(lin(z, "sm.dense7").reshape(B, 2, 1), dim=1)
sm = torch.bmm(o2, p2)[:, :, 0]

outs = {
    "t_pm": lin(pm, "t_pm.out"),
    "t_wm": lin(wm, "t_wm.out"),
    "t_sg": lin(sg, "t_sg.out"),
    "t_fm": lin(fm, "t_fm.out"),
    "t_sm": lin(sm, "t_sm.out"),
}
print(json.dumps({k: v.reshape(-1).tolist() for k, v in outs.items()}))
