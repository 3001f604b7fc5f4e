"""The multi-task baselines (POSO §3 Eq. 1-2, PEPNet Table 2) in NumPy: shared-bottom, MMoE
(Ma et al. 2018), CGC and PLE (Tang et al. 2020). Experts are ReLU MLPs; gates are softmax(W x + b)."""
import numpy as np

from common import Params, read_payload, relu, sigmoid, softmax, write_outputs


def mix(w, experts):
    """sum_i w_i e_i for w [B, n] and experts [n][B, d]."""
    return np.einsum("bi,bid->bd", w, np.stack(experts, axis=1))


def shared_bottom(p, cfg, x):
    h = p.sub("mlp").mlp(x)
    return [h] * cfg["tasks"]


def mmoe(p, cfg, x):
    """Eq. 1-2: g^t = softmax(W^t x), x^t = sum_i g^t_i e_i(x)."""
    experts = [p.sub("mlp").mlp(x) for _ in range(cfg["experts"])]
    return [mix(softmax(p.dense(x)), experts) for _ in range(cfg["tasks"])]


def cgc(p, inputs, shared_input, specific, shared, need_shared=True):
    """One CGC layer: task t mixes its own experts and the shared ones by softmax(W^t x_t); the
    shared gate mixes every expert (shared, then each task's) by softmax(W^s x_s)."""
    common = [p.sub("mlp").mlp(shared_input) for _ in range(shared)]
    everyone = list(common)
    outs = []
    for x in inputs:
        own = [p.sub("mlp").mlp(x) for _ in range(specific)]
        everyone += own
        outs.append(mix(softmax(p.dense(x)), own + common))
    s = mix(softmax(p.dense(shared_input)), everyone) if need_shared else None
    return outs, s


def ple(p, cfg, x):
    inputs, s = [x] * cfg["tasks"], x
    for level in range(cfg["levels"]):
        inputs, s = cgc(p.sub("cgc"), inputs, s, cfg["specific"], cfg["shared"], need_shared=level < cfg["levels"] - 1)
    return inputs


def main():
    cfg, params, inputs = read_payload()
    outputs = {}
    for inst in cfg["instances"]:
        p = Params(params, inst["name"])
        name = inst["name"]
        if inst["block"] == "cgc":
            outs, s = cgc(p, [inputs[k] for k in inst["inputs"]], inputs[inst["shared_input"]], inst["specific"], inst["shared"])
            outputs[f"{name}_s"] = s
        else:
            fn = {"shared_bottom": shared_bottom, "mmoe": mmoe, "ple": ple}[inst["block"]]
            outs = fn(p, inst, inputs[inst["x"]])
        for t, o in enumerate(outs):
            outputs[f"{name}_t{t}"] = o
        # task heads: the tower (a ReLU MLP, `<task>.tower`) and the output layer, sigmoid
        for t, task in enumerate(inst.get("heads", [])):
            h = Params(params, f"{task}.tower").mlp(outs[t])
            outputs[task] = sigmoid(h @ params[f"{task}.out.kernel"] + params[f"{task}.out.bias"])
    write_outputs(outputs)


if __name__ == "__main__":
    main()
