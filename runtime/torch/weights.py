"""Weights in safetensors files, by recc's parameter names (copied by `recc export torch`).

The format (https://github.com/huggingface/safetensors): an 8-byte little-endian header length, a
JSON header {name: {dtype, shape, data_offsets}, __metadata__}, then the raw little-endian bytes.
Written here with numpy: Debian's python3-torch comes without the `safetensors` package, and the
format is small (recc's own reader and writer are src/io/safetensors.ts).
"""
import json
import os
import struct

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I32": np.int32, "I64": np.int64}


def load(path):
    """{name: float32 tensor} of a safetensors file; a recc checkpoint's optimizer slots are left out."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: not a safetensors file (shorter than its header length)")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise ValueError(f"{path}: not a safetensors file (header length {n} past the end)")
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__" or name.startswith("optimizer/"):
            continue
        if info["dtype"] not in DTYPES:
            raise ValueError(f"{path}: tensor {name} has dtype {info['dtype']} (F32, F64, F16, I32 or I64 expected)")
        start, end = info["data_offsets"]
        a = np.frombuffer(data[base + start : base + end], dtype=np.dtype(DTYPES[info["dtype"]]).newbyteorder("<"))
        out[name] = torch.from_numpy(a.astype(np.float32).reshape(info["shape"]))
    return out


def save(path, tensors, metadata=None):
    """Write {name: tensor} as float32, atomically: a temporary file, synced, then renamed."""
    names = sorted(tensors)
    arrays = [tensors[k].detach().cpu().to(torch.float32).contiguous().numpy().astype("<f4") for k in names]
    header = {"__metadata__": {k: str(v) for k, v in (metadata or {}).items()}}
    offset = 0
    for name, a in zip(names, arrays):
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
    head = json.dumps(header).encode("utf-8")
    head += b" " * ((8 - len(head) % 8) % 8)
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            f.write(struct.pack("<Q", len(head)))
            f.write(head)
            for a in arrays:
                f.write(a.tobytes())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
