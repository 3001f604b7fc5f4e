"""Evaluate generated PyTorch functions of IR graphs (src/lower/torch/) in float64, and central
finite differences of their first output. Payload on stdin:
  {prelude, jobs: [{code, params: {name: {data, shape}}, inputs: {name: {data, shape, ids}},
                    fd?: {wrt: [[kind, name]], h}}]}
Writes [{outputs: [[...]], fd?: [[...]]}] on stdout."""
import json
import sys

import torch

torch.set_default_dtype(torch.float64)
payload = json.load(sys.stdin)
base = {}
exec(payload["prelude"], base)


def tensors(values):
    return {
        k: torch.tensor(v["data"], dtype=torch.int64 if v.get("ids") else torch.float64).reshape(v["shape"])
        for k, v in values.items()
    }


def flat(t):
    return t.detach().reshape(-1).tolist() if isinstance(t, torch.Tensor) else [float(t)]


results = []
for job in payload["jobs"]:
    ns = dict(base)
    exec(job["code"], ns)
    forward = ns["forward"]
    P, X = tensors(job["params"]), tensors(job["inputs"])
    with torch.no_grad():
        out = {"outputs": [flat(v) for v in forward(P, X)]}
        fd = job.get("fd")
        if fd:
            h = fd["h"]
            grads = []
            for kind, name in fd["wrt"]:
                t = (P if kind == "param" else X)[name]
                flat_t = t.view(-1)
                g = []
                for i in range(flat_t.numel()):
                    keep = flat_t[i].item()
                    flat_t[i] = keep + h
                    up = forward(P, X)[0].item()
                    flat_t[i] = keep - h
                    down = forward(P, X)[0].item()
                    flat_t[i] = keep
                    g.append((up - down) / (2 * h))
                grads.append(g)
            out["fd"] = grads
    results.append(out)
json.dump(results, sys.stdout)
