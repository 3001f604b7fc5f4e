"""PeterRec (seeds/004; official code fajieyuan/sigir2020_peterrec, restated in design/papers.md)
in NumPy, float64, from the equations: NextItNet residual blocks, the model patch and its serial
and parallel insertions, the user vector and the next-item head."""
import numpy as np

from common import read_payload, relu, softmax, write_outputs


def conv(x, w, b, d):
    """Causal dilated conv, a cross-correlation: y[t] = b + sum_j xpad[t + j d] W[j], with
    (k - 1) d zeros on the left (the last tap is the current position)."""
    k = w.shape[0]
    B, L, _ = x.shape
    xpad = np.concatenate([np.zeros((B, (k - 1) * d, x.shape[2])), x], axis=1)
    y = np.zeros((B, L, w.shape[2])) + b
    for j in range(k):
        y += xpad[:, j * d : j * d + L, :] @ w[j]
    return y


def layer_norm(x, g, b):
    """Population variance, eps 1e-8, over the channels."""
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + 1e-8) * g + b


def gelu(x):
    """The tanh form (BERT's, the official code's)."""
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))


def patch(P, name, x):
    """MP(x) = x + W_up GELU(W_down x), both with biases."""
    down = gelu(x @ P[name + ".patch0.dense0.kernel"] + P[name + ".patch0.dense0.bias"])
    return x + down @ P[name + ".patch0.up"] + P[name + ".patch0.up_bias"]


def block(P, name, x, d, mode):
    """h1 = ReLU(LN1(conv1(x))) (dilation d), h2 = ReLU(LN2(conv2(h1))) (dilation 2d), x + h2;
    serial: the patch after each conv, before its LN; parallel: conv(x) + MP(x) (an extra copy
    of x, as MP adds its input)."""
    h = x
    for j, dil in enumerate([d, 2 * d]):
        c = f"{name}.conv{j}"
        y = conv(h, P[c + ".w"], P[c + ".b"], dil)
        if mode == "serial":
            y = patch(P, c + ".serial", y)
        elif mode == "parallel":
            y = y + patch(P, c + ".parallel", h)
        h = relu(layer_norm(y, P[f"{name}.ln{j}.gamma"], P[f"{name}.ln{j}.beta"]))
    return x + h


def main():
    cfg, P, inputs = read_payload()
    ids = inputs["items"]
    x = P["features.items.table"][ids]
    for i, d in enumerate(cfg["dilations"]):
        x = block(P, f"net.residual{i}", x, d, cfg["mode"])
    B = ids.shape[0]
    last = (ids != 0).sum(1) - 1  # sequences are left-aligned
    user = x[np.arange(B), last]
    out = {"flat": x.reshape(B, -1), "user": user}
    if cfg.get("objective"):
        # next-item prediction at every position: position t predicts ids[t + 1]; padding targets
        # do not count; the mean over the predicted positions of the batch
        z = relu(x[:, :-1]) @ P["next.out.kernel"] + P["next.out.bias"]
        z = z - z.max(-1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
        target = ids[:, 1:]
        ce = -np.take_along_axis(logp, target[..., None], -1)[..., 0]
        valid = target != 0
        out["objective"] = [[ce[valid].mean()]]
    if cfg.get("negatives") is not None:
        # sampled softmax: each position's target against the shared negatives (a negative equal
        # to the target left out), the output layer's columns as the item vectors
        neg = np.asarray(cfg["negatives"])
        W, b = P["next.out.kernel"], P["next.out.bias"]
        h = relu(x[:, :-1])
        target = ids[:, 1:]
        losses = []
        for i in range(h.shape[0]):
            for t in range(h.shape[1]):
                if target[i, t] == 0:
                    continue
                cand = [target[i, t]] + [n for n in neg if n != target[i, t]]
                z = np.array([h[i, t] @ W[:, c] + b[c] for c in cand])
                z = z - z.max()
                losses.append(-(z[0] - np.log(np.exp(z).sum())))
        out["sampled"] = [[float(np.mean(losses))]]
    if cfg.get("next"):
        out["next"] = softmax(relu(user) @ P["next.out.kernel"] + P["next.out.bias"])
    write_outputs(out)


main()
