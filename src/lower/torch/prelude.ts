// The Python helpers the PyTorch forms call, for ops that are more than one torch expression.
// Emitted once at the top of a generated module (emit.ts). DTYPE is the float type of every
// constant and zero tensor: float64 for the gradient checks, float32 for an exported model.
export const torchPrelude = (dtype: 'float32' | 'float64'): string => `import torch
import torch.nn.functional as F

DTYPE = torch.${dtype}


def sum_to(x, axes, shape):
    if axes:
        x = x.sum(dim=axes, keepdim=True)
    return x.reshape([x.shape[0] if d == -1 else d for d in shape])


def pad(x, axis, before, after):
    def zeros(n):
        shape = list(x.shape)
        shape[axis] = n
        return torch.zeros(shape, dtype=x.dtype)
    return torch.cat([zeros(before), x, zeros(after)], dim=axis)


def pool(x, m, mode, zero_padded=False):
    # zero_padded: x is already zero at padding, the sum skips the product with the mask
    m3 = m.unsqueeze(2)
    if mode == "max":
        best = torch.where(m3 > 0, x, torch.full_like(x, -3.0e38)).amax(1)
        return torch.where(m.sum(1, keepdim=True) > 0, best, torch.zeros_like(best))
    s = (x if zero_padded else x * m3).sum(1)
    return s if mode == "sum" else s / m.sum(1, keepdim=True).clamp(min=1)


def gru(x, m, w, u, bw, bu):
    # PyTorch's gate order and reset (r, z, n; linear_before_reset); a padded step keeps h
    h_size = u.shape[0]
    h = torch.zeros(x.shape[0], h_size, dtype=x.dtype)
    gx = x @ w + bw
    for t in range(x.shape[1]):
        xr, xz, xn = gx[:, t].split(h_size, dim=1)
        hr, hz, hn = (h @ u + bu).split(h_size, dim=1)
        r = torch.sigmoid(xr + hr)
        z = torch.sigmoid(xz + hz)
        n = torch.tanh(xn + r * hn)
        h = h + m[:, t : t + 1] * ((1 - z) * n + z * h - h)
    return h


def scatter_add(x, ids, rows):
    d = x.shape[-1]
    return torch.zeros(rows, d, dtype=x.dtype).index_add(0, ids.reshape(-1), x.reshape(-1, d))


def contract(a, b):
    return a.reshape(-1, a.shape[-1]).t() @ b.reshape(-1, b.shape[-1])


def layer_norm(x, g, b, eps):
    # the mean first, then the variance of x − mean (recc's TF.js moments and onnxruntime alike):
    # torch 1.13's F.layer_norm on the CPU gives x·r − mean·r for one feature (0.011, not 0, at
    # x = 1234.5) and NaN past about 2e19
    xc = x - x.mean(-1, keepdim=True)
    return xc / torch.sqrt((xc * xc).mean(-1, keepdim=True) + eps) * g + b


def conv1d_causal(x, w, b, dilation):
    # x [batch, L, c_in], w [k, c_in, c_out]: left-pad (k - 1)·dilation zeros, then a
    # cross-correlation (F.conv1d is channels-first with a kernel [c_out, c_in, k])
    left = (w.shape[0] - 1) * dilation
    xt = F.pad(x.transpose(1, 2), (left, 0))
    return F.conv1d(xt, w.permute(2, 1, 0), b, dilation=dilation).transpose(1, 2)


def softmax_ce(z, y):
    # −log softmax(z)[y]; a label outside 0..C−1 selects no class and gives 0
    c = z.shape[-1]
    y = y.long()
    valid = (y >= 0) & (y < c)
    picked = torch.log_softmax(z, -1).gather(-1, y.clamp(0, c - 1).unsqueeze(-1)).squeeze(-1)
    return torch.where(valid, -picked, torch.zeros_like(picked))


def sampled_softmax_ce(h, table, targets, negatives, bias=None):
    # the target's logit against shared negatives; a negative equal to the target is masked out
    pos = (h * table[targets]).sum(-1, keepdim=True)
    neg = h @ table[negatives].t()
    if bias is not None:
        pos = pos + bias[targets].unsqueeze(-1)
        neg = neg + bias[negatives]
    neg = torch.where(targets.unsqueeze(-1) == negatives, torch.full_like(neg, -3.0e38), neg)
    return -torch.log_softmax(torch.cat([pos, neg], -1), -1)[..., 0]


def hinge_pairs(s, pos, neg):
    # mean over pairs of max(0, 1 − (s[pos] − s[neg])); no pair gives 0
    flat = s.reshape(-1)
    return torch.relu(1 - (flat[pos] - flat[neg])).sum() / max(pos.numel(), 1)
`;

/** The float64 prelude of the gradient checks' evaluator. */
export const TORCH_PRELUDE = torchPrelude('float64');
