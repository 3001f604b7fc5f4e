"""Run packages written by `recc export torch`: for each job, import its model.py (and its
weights.py), load the weights, and run one entry on the given inputs. Payload on stdin:
  {blob, jobs: [{dir, weights, entry, inputs: {name: {dtype, offset, shape}}}]}
Writes [{output name: [values]}] on stdout (ids as int64, floats as float32, as train.py feeds)."""
import importlib.util
import json
import sys

import numpy as np
import torch

payload = json.load(sys.stdin)
blob = np.fromfile(payload["blob"], dtype=np.uint8)
NP = {"f32": np.float32, "f64": np.float64, "i64": np.int64}


def tensor(v):
    n = int(np.prod(v["shape"], dtype=np.int64))
    a = np.frombuffer(blob, dtype=NP[v["dtype"]], count=n, offset=v["offset"]).reshape(v["shape"]).copy()
    return torch.from_numpy(a if v["dtype"] == "i64" else a.astype(np.float32))


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


results = []
for k, job in enumerate(payload["jobs"]):
    M = load(f"{job['dir']}/model.py", f"model_{k}")
    W = load(f"{job['dir']}/weights.py", f"weights_{k}")
    model = M.Model()
    model.load_state_dict(W.load(job["weights"]))
    with torch.no_grad():
        out = model({n: tensor(v) for n, v in job["inputs"].items()}, entry=job["entry"])
    results.append({n: v.reshape(-1).tolist() for n, v in out.items()})
json.dump(results, sys.stdout)
