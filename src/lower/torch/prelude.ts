// The Python helpers the PyTorch forms call, for ops that are more than one torch expression.
// Emitted once at the top of a generated module (emit.ts). DTYPE is the float type of every
// constant and zero tensor: float64 for the gradient checks, float32 for an exported model.
export const TORCH_PRELUDE = `import torch

DTYPE = torch.float64


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


def pool(x, m, mode):
    m3 = m.unsqueeze(2)
    if mode == "max":
        best = torch.where(m3 > 0, x, torch.full_like(x, -3.0e38)).amax(1)
        return torch.where(m.sum(1, keepdim=True) > 0, best, torch.zeros_like(best))
    s = (x * m3).sum(1)
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
`;
