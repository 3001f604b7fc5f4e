"""Support sets (CMML), as recc's src/data/support.ts builds them.

The support set of row r is the most recent `size` rows BEFORE r (in the order given) whose `key`
cell equals r's, oldest first, left-aligned, then padding; a row with an empty key has an empty
set, and a row is never in its own set. A serving client that knows a task's latest interactions
can pass them instead (Encoder.feeds(rows, supports=...)).
"""
from .jsvalues import js_string


def key_text(v):
    """The loader's keyText: "" for null, lists "|"-joined (a null item as "", as Array.join), else String(v)."""
    if v is None:
        return ''
    if isinstance(v, (list, tuple)):
        return '|'.join('' if x is None else js_string(x) for x in v)
    return js_string(v)


def support_index(keys, size):
    """Row numbers of each row's support set, `size` per row, -1 for padding."""
    out = [-1] * (len(keys) * size)
    recent = {}
    for r, k in enumerate(keys):
        if k == '':
            continue
        rows = recent.setdefault(k, [])
        for j, s in enumerate(rows):
            out[r * size + j] = s
        rows.append(r)
        if len(rows) > size:
            rows.pop(0)
    return out
