"""Weights in safetensors files, by recc's parameter names (copied by `recc export torch`).

The format (https://github.com/huggingface/safetensors): an 8-byte little-endian header length, a
JSON header {name: {dtype, shape, data_offsets}, __metadata__}, then the raw little-endian bytes.
Written here with numpy: Debian's python3-torch comes without the `safetensors` package, and the
format is small (recc's own reader and writer are src/io/safetensors.ts).
"""
import json
import os
import stat
import struct

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I32": np.int32, "I64": np.int64}


class WeightsError(ValueError):
    """A file that is not a whole safetensors file of recc's dtypes: its message names the file and
    what is wrong, in one line (train.py prints it instead of a traceback)."""


def load(path):
    """{name: float32 tensor} of a safetensors file; a recc checkpoint's optimizer slots are left out.

    Checked as recc's reader checks (src/io/safetensors.ts): a regular file (a device or a FIFO
    would be read without end), a header that is a JSON object, and each tensor's bytes inside the
    file, of its shape's size, not overlapping another's; else WeightsError. OSError when the file
    cannot be opened or read.
    """
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise WeightsError(f"{path} is not a regular file")
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise WeightsError(f"{path}: not a safetensors file (shorter than its header length)")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise WeightsError(f"{path}: not a whole safetensors file (its header runs {8 + n - len(data)} bytes past the end: cut short?)")
    try:
        header = json.loads(data[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise WeightsError(f"{path}: the safetensors header is not JSON ({e})") from None
    if not isinstance(header, dict):
        raise WeightsError(f"{path}: the safetensors header is not a JSON object")
    base = 8 + n
    size = len(data) - base
    spans = []
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if not isinstance(info, dict):
            raise WeightsError(f"{path}: tensor {name}: its entry is not an object")
        dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
        if dtype not in DTYPES:
            raise WeightsError(f"{path}: tensor {name} has dtype {dtype} (F32, F64, F16, I32 or I64 expected)")
        if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
            raise WeightsError(f"{path}: tensor {name}: shape {shape!r} is not a list of sizes")
        if not isinstance(offsets, list) or len(offsets) != 2 or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets):
            raise WeightsError(f"{path}: tensor {name}: data_offsets {offsets!r} is not [begin, end]")
        start, end = offsets
        if not 0 <= start <= end:
            raise WeightsError(f"{path}: tensor {name}: data_offsets [{start}, {end}] are not in order")
        if end > size:
            raise WeightsError(f"{path}: tensor {name} ends at byte {end} of the data, which has {size} (a file cut short?)")
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if end - start != count * np.dtype(DTYPES[dtype]).itemsize:
            raise WeightsError(f"{path}: tensor {name}: {end - start} bytes for shape {shape} of {dtype}")
        spans.append((start, end, name))
        if name.startswith("optimizer/"):
            continue
        a = np.frombuffer(data[base + start : base + end], dtype=np.dtype(DTYPES[dtype]).newbyteorder("<"))
        out[name] = torch.from_numpy(a.astype(np.float32).reshape(shape))
    spans.sort()
    for (_, end_a, a), (start_b, _, b) in zip(spans, spans[1:]):
        if start_b < end_a:
            raise WeightsError(f"{path}: tensors {a} and {b} overlap in the data (data_offsets)")
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
