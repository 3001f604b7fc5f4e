# The POSO-MLP reference (poso_mlp.py) with recc's weights, exported by torch.onnx.export, for
# bench/serving.mjs: the serving graph PyTorch users would ship, beside recc's.
#   poso_mlp_export.py WEIGHTS.safetensors OUT.onnx
# Weights are recc's parameters of bench/poso-reference.rec (kernels [in, out], so a Linear's
# weight is the kernel transposed). The inputs and the output carry recc's names (f1..f8 [B, 3]
# int64, pc [B] int64 → click [B, 1], a probability), so both graphs take the same feeds.
# Opset 17 and IR 8, as recc writes.
import json, struct, sys
import numpy as np
import torch
import torch.nn as nn
from poso_mlp import FEATURES, PosoMlp


def read_safetensors(path):
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    body = raw[8 + n:]
    out = {}
    for name, t in header.items():
        if name == '__metadata__':
            continue
        assert t['dtype'] == 'F32', (name, t['dtype'])
        a, b = t['data_offsets']
        out[name] = torch.from_numpy(np.frombuffer(body[a:b], dtype='<f4').reshape(t['shape']).copy())
    return out


class Serving(nn.Module):
    """recc's serving interface: one input per feature, the probability of the task."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, f1, f2, f3, f4, f5, f6, f7, f8, pc):
        return torch.sigmoid(self.model.trunk([f1, f2, f3, f4, f5, f6, f7, f8], pc))


def load(model, w):
    def linear(layer, prefix):
        layer.weight.copy_(w[f'{prefix}.kernel'].T)
        layer.bias.copy_(w[f'{prefix}.bias'])

    with torch.no_grad():
        for k, e in enumerate(model.emb):
            e.weight.copy_(w[f'features.f{k + 1}.table'])
        model.pc.weight.copy_(w['features.pc.table'])
        for i, (layer, gate) in enumerate(zip(model.layers, model.gates)):
            linear(layer, f'trunk.dense{i}')
            linear(gate.l1, f'trunk.gate{i}.dense0')
            linear(gate.l2, f'trunk.gate{i}.dense1')
        linear(model.out, 'click.out')


def main(weights, out):
    model = PosoMlp(bag=False)
    load(model, read_safetensors(weights))
    model.eval()
    names = [f'f{k + 1}' for k in range(FEATURES)] + ['pc']
    example = tuple(torch.randint(0, 10, (2, 3)) for _ in range(FEATURES)) + (torch.randint(1, 10, (2,)),)
    torch.onnx.export(
        Serving(model), example, out, opset_version=17, input_names=names, output_names=['click'],
        dynamic_axes={n: {0: 'batch'} for n in names + ['click']},
    )
    print(json.dumps({'torch': torch.__version__, 'out': out}))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
