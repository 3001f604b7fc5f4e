"""LiMAML's outer gradient (Alg. 2a) by PyTorch autograd in float64, independently of recc's IR,
for test/fixtures/specs/limaml-tiny.rec: meta block E = u Wm + bm on the user's features u;
global block z = tanh([E, i] Wh + bh) Wo + bo on E and the item's features i; loss = mean over
rows of binary cross-entropy on the logit z. For each task: `steps` SGD steps of rate `alpha` on
the meta block's weights only (Wm, bm) over the support rows, then the gradient of the query
loss at the adapted meta weights with respect to every weight (Wm, bm through the inner steps,
Wh, bh, Wo, bo directly and through the inner steps). Second order keeps the inner gradients in
the graph (create_graph=True); first order detaches them. Payload on stdin: {params: name ->
{data, shape}, tasks: [{us, is, ys, uq, iq, yq}], alpha, steps}. Writes {second: [per task:
name -> flat gradient], first: [...]}."""
import json
import sys

import torch

torch.set_default_dtype(torch.float64)
p = json.load(sys.stdin)
META = ["um.dense0.kernel", "um.dense0.bias"]
GLOBAL = ["h.dense0.kernel", "h.dense0.bias", "click.out.kernel", "click.out.bias"]
T = lambda v: torch.tensor(v["data"]).reshape(v["shape"])
bce = torch.nn.BCEWithLogitsLoss()


def loss(meta, glob, u, i, y):
    wm, bm = meta
    wh, bh, wo, bo = glob
    e = u @ wm + bm
    z = torch.tanh(torch.cat([e, i], dim=1) @ wh + bh) @ wo + bo
    return bce(z[:, 0], y)


def outer(task, second_order):
    meta0 = [T(p["params"][k]).requires_grad_(True) for k in META]
    glob = [T(p["params"][k]).requires_grad_(True) for k in GLOBAL]
    t = {k: torch.tensor(v, dtype=torch.float64) for k, v in task.items()}
    meta = meta0
    for _ in range(p["steps"]):
        g = torch.autograd.grad(loss(meta, glob, t["us"], t["is"], t["ys"]), meta, create_graph=second_order)
        if not second_order:
            g = [x.detach() for x in g]
        meta = [w - p["alpha"] * gi for w, gi in zip(meta, g)]
    grads = torch.autograd.grad(loss(meta, glob, t["uq"], t["iq"], t["yq"]), meta0 + glob)
    return {k: g.reshape(-1).tolist() for k, g in zip(META + GLOBAL, grads)}


json.dump({"second": [outer(t, True) for t in p["tasks"]], "first": [outer(t, False) for t in p["tasks"]]}, sys.stdout)
