"""MAML's outer gradient by PyTorch autograd in float64, independently of recc's IR: a two-layer
MLP f(x) = sigmoid(relu(x W1 + b1) W2 + b2), loss = mean squared error; `steps` inner SGD steps
of rate `alpha` on the support rows, then the gradient of the query loss at the adapted weights
with respect to the initial ones. Second order keeps the inner gradients in the graph
(create_graph=True); first order detaches them. Payload on stdin: {params: {W1, b1, W2, b2},
data: {xs, ys, xq, yq}, alpha, steps}, each tensor as {data, shape}. Writes {second: {...}, first: {...}}."""
import json
import sys

import torch

torch.set_default_dtype(torch.float64)
p = json.load(sys.stdin)
T = lambda v: torch.tensor(v["data"]).reshape(v["shape"])
NAMES = ["W1", "b1", "W2", "b2"]
data = {k: T(v) for k, v in p["data"].items()}


def loss(theta, x, y):
    w1, b1, w2, b2 = theta
    f = torch.sigmoid(torch.relu(x @ w1 + b1) @ w2 + b2)
    return ((f - y) ** 2).mean()


def outer(second_order):
    theta0 = [T(p["params"][k]).requires_grad_(True) for k in NAMES]
    theta = theta0
    for _ in range(p["steps"]):
        g = torch.autograd.grad(loss(theta, data["xs"], data["ys"]), theta, create_graph=second_order)
        if not second_order:
            g = [x.detach() for x in g]
        theta = [t - p["alpha"] * gi for t, gi in zip(theta, g)]
    grads = torch.autograd.grad(loss(theta, data["xq"], data["yq"]), theta0)
    return {k: g.reshape(-1).tolist() for k, g in zip(NAMES, grads)}


json.dump({"second": outer(True), "first": outer(False)}, sys.stdout)
