"""POSO (seeds/000 §4) in NumPy, from the equations: MHA (Eq. 13-14, Table 7) and MMoE (Eq. 17-18)."""
import numpy as np

from common import Params, read_payload, relu, sigmoid, softmax, write_outputs


def gate(p, pc, c):
    """The POSO gating network (§4.5): a two-layer MLP on the PC, sigmoid output, times c."""
    return c * sigmoid(p.dense(relu(p.dense(pc))))


def mha(params, cfg, x, ids, pc, table):
    """Eq. 13: x^ = C sum_i g_i softmax(Q_i K_i^T / sqrt(d_h)) V_i, with Table 7's substitutions;
    Eq. 14 when Q and K are shared; padded positions (id 0) get no attention."""
    p = Params(params, cfg["name"])
    H, dh, N, C = cfg["heads"], cfg["head_dim"], cfg["values"], cfg["scale"]
    B, L = ids.shape
    X = table[ids]  # [B, L, d]
    valid = ids != 0

    def split(t):  # [B, L, H*dh] -> [B, H, L, dh]
        return t.reshape(B, L, H, dh).transpose(0, 2, 1, 3)

    Q = [p.dense(x).reshape(B, H, dh) for _ in range(N if cfg["personalize_q"] else 1)]
    # the key projections have no bias (it would shift every score of a query alike)
    if cfg["gate_k"]:
        k = p.dense(X, bias=False)
        K = [split(gate(p.sub("gate"), pc, C)[:, None, :] * k)]
    else:
        K = [split(p.dense(X, bias=False)) for _ in range(N)]
    if cfg["gate_v"]:
        v = p.dense(X)
        V = [split(gate(p.sub("gate"), pc, C)[:, None, :] * v)]
    else:
        V = [split(p.dense(X)) for _ in range(N)]
    if len(Q) == len(K) == len(V) == 1:
        g = np.ones((B, 1))  # Table 7 row 4: the sum over i collapses
    else:
        g = gate(p.sub("gate"), pc, C / N)
    out = np.zeros((B, H, dh))
    for i in range(g.shape[1]):
        q, k, v = Q[i % len(Q)], K[i % len(K)], V[i % len(V)]
        scores = np.einsum("bhd,bhld->bhl", q, k) / np.sqrt(dh)
        # an empty sequence (all padding) attends uniformly to its padding positions
        live = valid | ~valid.any(axis=1, keepdims=True)
        scores = np.where(live[:, None, :], scores, -np.inf)
        out += g[:, i, None, None] * np.einsum("bhl,bhld->bhd", softmax(scores), v)
    return out.reshape(B, H * dh)


def mmoe(params, cfg, x, pc):
    """Eq. 17-18: x^t = C sum_i g(pc)_i softmax(W^t x)_i e_i(x), experts are ReLU MLPs."""
    p = Params(params, cfg["name"])
    experts = [p.sub("mlp").mlp(x) for _ in range(cfg["experts"])]
    E = np.stack(experts, axis=1)  # [B, n, d]
    g = gate(p.sub("gate"), pc, 1.0)
    outs = {}
    for t in range(cfg["tasks"]):
        gt = softmax(p.dense(x))
        w = cfg["scale"] * g * gt
        outs[f"{cfg['name']}_t{t}"] = np.einsum("bi,bid->bd", w, E)
    return outs


def main():
    cfg, params, inputs = read_payload()
    outputs = {}
    for inst in cfg["instances"]:
        if inst["block"] == "mha":
            table = params[f"features.{cfg['seq']}.table"]
            outputs[inst["name"]] = mha(params, inst, inputs[cfg["query"]], inputs[cfg["seq"]], inputs[cfg["pc"]], table)
        elif inst["block"] == "mmoe":
            outputs.update(mmoe(params, inst, inputs[cfg["x"]], inputs[cfg["pc"]]))
        else:
            raise SystemExit(f"unknown block {inst['block']}")
    write_outputs(outputs)


if __name__ == "__main__":
    main()
