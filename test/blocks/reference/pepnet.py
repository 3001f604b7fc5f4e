"""PEPNet (seeds/003 §2.2) in NumPy, from the equations: Gate NU (Eq. 2-3), EPNet (Eq. 4-6) and
PPNet (Eq. 7-9, gates on every layer of every task tower, ReLU inside, sigmoid last)."""
import numpy as np

from common import Params, read_payload, relu, sigmoid, write_outputs


def gate_nu(p, x0, gamma):
    """Eq. 2-3: x1 = ReLU(x0 W0 + b0), x2 = gamma * sigmoid(x1 W1 + b1)."""
    return gamma * sigmoid(p.dense(relu(p.dense(x0))))


def epnet(params, cfg, e, domain):
    """Eq. 5-6: delta_domain = U_ep(E(did) + E(d)), O_ep = delta_domain * E."""
    p = Params(params, cfg["name"])
    return {cfg["name"]: gate_nu(p.sub("gate_nu"), domain, cfg["gamma"]) * e}


def ppnet(params, cfg, o_ep, prior):
    """Eq. 7-9: delta_task = U_pp(O_prior + stop_gradient(O_ep)) for every layer l of every task
    tower; z_l <- z_l * delta_task,l; z_{l+1} = ReLU(z_l W_l + b_l); the last layer (the task's
    output layer, `<task>.out`) is gated too and ends in a sigmoid."""
    p = Params(params, cfg["name"])
    T = cfg["tasks"]
    gate_in = np.concatenate([prior, o_ep], axis=1)
    z = [o_ep] * T
    for u in cfg["units"]:
        delta = np.split(gate_nu(p.sub("gate_nu"), gate_in, cfg["gamma"]), T, axis=1)
        z = [relu(p.dense(z[t] * delta[t])) for t in range(T)]
    delta = np.split(gate_nu(p.sub("gate_nu"), gate_in, cfg["gamma"]), T, axis=1)
    gated = [z[t] * delta[t] for t in range(T)]
    outs = {f"{cfg['name']}_t{t}": gated[t] for t in range(T)}
    for t, task in enumerate(cfg.get("heads", [])):
        logit = gated[t] @ params[f"{task}.out.kernel"] + params[f"{task}.out.bias"]
        outs[task] = sigmoid(logit)
    return outs


def main():
    cfg, params, inputs = read_payload()
    outputs = {}
    for inst in cfg["instances"]:
        if inst["block"] == "epnet":
            outputs.update(epnet(params, inst, inputs[inst["e"]], inputs[inst["domain"]]))
        elif inst["block"] == "ppnet":
            # x may be a feature or the output of an earlier instance (EPNet's O_ep)
            x = inputs[inst["x"]] if inst["x"] in inputs else outputs[inst["x"]]
            outputs.update(ppnet(params, inst, x, inputs[inst["prior"]]))
        else:
            raise SystemExit(f"unknown block {inst['block']}")
    write_outputs(outputs)


if __name__ == "__main__":
    main()
