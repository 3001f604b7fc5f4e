"""Shared NumPy pieces of the reference implementations (float64, written from the papers)."""
import json
import sys

import numpy as np


def read_payload():
    """{block, config, params: {name: {shape, data}}, inputs: {name: {shape, data, ids?}}} on stdin."""
    p = json.load(sys.stdin)
    params = {k: np.asarray(v["data"], dtype=np.float64).reshape(v["shape"]) for k, v in p["params"].items()}
    inputs = {
        k: np.asarray(v["data"], dtype=np.int64 if v.get("ids") else np.float64).reshape(v["shape"])
        for k, v in p["inputs"].items()
    }
    return p["config"], params, inputs


def write_outputs(outputs):
    """{name: [batch][width]} on stdout."""
    json.dump({k: np.asarray(v, dtype=np.float64).tolist() for k, v in outputs.items()}, sys.stdout)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def relu(z):
    return np.maximum(z, 0.0)


def softmax(z, axis=-1):
    z = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


class Params:
    """The weights of one block instance, handed out in call order: `dense()` takes the next
    `<prefix>.dense<k>`, `sub("gate")` the next `<prefix>.gate<k>` (recc's naming by call path)."""

    def __init__(self, params, prefix):
        self.params = params
        self.prefix = prefix
        self.counts = {}

    def next(self, kind):
        k = self.counts.get(kind, 0)
        self.counts[kind] = k + 1
        return f"{self.prefix}.{kind}{k}"

    def dense(self, x, bias=True):
        name = self.next("dense")
        y = x @ self.params[name + ".kernel"]
        return y + self.params[name + ".bias"] if bias else y

    def sub(self, kind):
        return Params(self.params, self.next(kind))

    def mlp(self, x):
        """A ReLU MLP: every dense of this instance in order (std.layers.mlp)."""
        i = 0
        while f"{self.prefix}.dense{i}.kernel" in self.params:
            x = relu(self.dense(x))
            i += 1
        return x
