"""Evaluate generated PyTorch functions of IR graphs (src/lower/torch/) in float64, and central
finite differences of their first output. Payload on stdin:
  {prelude, blob, jobs: [{code, params: {name: value}, inputs: {name: value},
                          fd?: {wrt: [[kind, name]], h}}]}
where a value is {dtype: f32 | f64 | i64, offset, shape} into the binary file `blob` (floats are
evaluated as float64, i64 are ids). With `autograd: true`, PyTorch's own gradient of the first
output with respect to every parameter (in the order of `params`) comes back too. Writes
[{outputs: [v], fd?: [v], autograd?: [v]}] on stdout, where v = [offset, count] of float64s in the
binary file `out` (a model's gradients are millions of numbers: JSON would take most of the time)."""
import json
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
payload = json.load(sys.stdin)
blob = np.fromfile(payload["blob"], dtype=np.uint8)
base = {}
exec(payload["prelude"], base)
NP = {"f32": np.float32, "f64": np.float64, "i64": np.int64}


def tensor(v):
    dt = NP[v["dtype"]]
    n = int(np.prod(v["shape"], dtype=np.int64))
    a = np.frombuffer(blob, dtype=dt, count=n, offset=v["offset"]).reshape(v["shape"])
    t = torch.from_numpy(a.copy())
    return t if v["dtype"] == "i64" else t.to(torch.float64)


sink = open(payload["out"], "wb")
written = 0


def flat(t):
    global written
    a = t.detach().reshape(-1).numpy() if isinstance(t, torch.Tensor) else np.array([float(t)])
    a = np.ascontiguousarray(a, dtype=np.float64)
    sink.write(a.tobytes())
    at, written = written, written + a.size
    return [at, a.size]


results = []
for job in payload["jobs"]:
    ns = dict(base)
    exec(job["code"], ns)
    forward = ns["forward"]
    P = {k: tensor(v) for k, v in job["params"].items()}
    X = {k: tensor(v) for k, v in job["inputs"].items()}
    out = {}
    if job.get("autograd"):
        leaves = list(P.values())
        for t in leaves:
            t.requires_grad_(True)
        gs = torch.autograd.grad(forward(P, X)[0], leaves, allow_unused=True)
        out["autograd"] = [flat(g if g is not None else torch.zeros_like(t)) for g, t in zip(gs, leaves)]
        for t in leaves:
            t.requires_grad_(False)
    with torch.no_grad():
        out["outputs"] = [flat(v) for v in forward(P, X)]
        fd = job.get("fd")
        if fd:
            h = fd["h"]
            grads = []
            for kind, name in fd["wrt"]:
                flat_t = (P if kind == "param" else X)[name].view(-1)
                g = []
                for i in range(flat_t.numel()):
                    keep = flat_t[i].item()
                    flat_t[i] = keep + h
                    up = forward(P, X)[0].item()
                    flat_t[i] = keep - h
                    down = forward(P, X)[0].item()
                    flat_t[i] = keep
                    g.append((up - down) / (2 * h))
                grads.append(flat(torch.tensor(g)))
            out["fd"] = grads
    results.append(out)
sink.close()
json.dump(results, sys.stdout)
