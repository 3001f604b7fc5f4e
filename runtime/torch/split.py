"""The spec's train/test split, as recc makes it (src/data/split.ts), so that train.py holds out
the rows `recc train` holds out:

  random         a seeded shuffle of the row indices; round(n * test) rows are test
  by_key         the distinct keys, sorted, shuffled with the seed; the first
                 round(#keys * test) keys are test keys, with all their rows
  chronological  rows sorted by a column (numbers when every value parses as one, else text;
                 ties by row order); the latest round(n * test) rows are test

The shuffles draw from seedrandom's ARC4 generator (the npm package recc uses, seeded with
`split:<seed>`); it is written out here because no Python package reproduces it. The test
checks every kind of split against recc's on the same rows.
"""
import math
import re

import numpy as np

_WIDTH, _CHUNKS = 256, 6
_START_DENOM = float(_WIDTH**_CHUNKS)
_SIGNIFICANCE = float(2**52)
_OVERFLOW = float(2**53)


class SeedRandom:
    """seedrandom(seed)() of the npm package seedrandom 3 (ARC4, 52 random bits a double)."""

    def __init__(self, seed):
        key = []
        smear = 0
        units = seed.encode("utf-16-le")  # charCodeAt reads UTF-16 code units
        for j in range(len(units) // 2):
            code = units[2 * j] | (units[2 * j + 1] << 8)
            k = j & 255
            if k < len(key):
                smear ^= key[k] * 19
            key_value = (smear + code) & 255
            if k < len(key):
                key[k] = key_value
            else:
                key.append(key_value)
        if not key:
            key = [0]
        s = list(range(_WIDTH))
        j = 0
        for i in range(_WIDTH):
            t = s[i]
            j = (j + key[i % len(key)] + t) & 255
            s[i] = s[j]
            s[j] = t
        self._s, self._i, self._j = s, 0, 0
        self._g(_WIDTH)  # RC4-drop[256]

    def _g(self, count):
        s, i, j, r = self._s, self._i, self._j, 0
        for _ in range(count):
            i = (i + 1) & 255
            t = s[i]
            j = (j + t) & 255
            s[i] = s[j]
            s[j] = t
            r = r * _WIDTH + s[(s[i] + t) & 255]
        self._i, self._j = i, j
        return r

    def __call__(self):
        # doubles throughout, as in JavaScript (every value here is exact in one)
        n, d, x = float(self._g(_CHUNKS)), _START_DENOM, 0
        while n < _SIGNIFICANCE:
            n = (n + x) * _WIDTH
            d *= _WIDTH
            x = self._g(1)
        while n >= _OVERFLOW:
            n /= 2
            d /= 2
            x >>= 1
        return (n + x) / d


def _shuffle(items, rng):
    """Fisher–Yates from the end, as split.ts."""
    for i in range(len(items) - 1, 0, -1):
        j = math.floor(rng() * (i + 1))
        items[i], items[j] = items[j], items[i]
    return items


def _round(x):
    """JavaScript's Math.round: halves up."""
    return math.floor(x + 0.5)


def _js_order(text):
    """JavaScript's string order (UTF-16 code units)."""
    return text.encode("utf-16-be")


_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+")


def _js_number(text):
    """JavaScript's Number(text) for a split's time column: a finite number, or None."""
    t = text.strip()
    if not t or not _DECIMAL.fullmatch(t):
        return None
    v = int(t, 0) if t[:2].lower() in ("0x", "0o", "0b") else float(t)
    return float(v) if math.isfinite(v) else None


def random_split(n, test, seed):
    order = _shuffle(list(range(n)), SeedRandom(f"split:{seed}"))
    k = _round(n * test)
    return np.sort(np.array(order[k:], dtype=np.int64)), np.sort(np.array(order[:k], dtype=np.int64))


def by_key_split(keys, test, seed):
    distinct = _shuffle(sorted(set(keys), key=_js_order), SeedRandom(f"split:{seed}"))
    held = set(distinct[: _round(len(distinct) * test)])
    train = [i for i, k in enumerate(keys) if k not in held]
    tested = [i for i, k in enumerate(keys) if k in held]
    return np.array(train, dtype=np.int64), np.array(tested, dtype=np.int64)


def chronological_split(order, test):
    n = len(order)
    nums = [_js_number(v) for v in order]
    if all(x is not None for x in nums):
        idx = sorted(range(n), key=lambda i: (nums[i], i))
    else:
        idx = sorted(range(n), key=lambda i: (_js_order(order[i]), i))
    k = n - _round(n * test)
    return np.sort(np.array(idx[:k], dtype=np.int64)), np.sort(np.array(idx[k:], dtype=np.int64))


def split(n, keys, spec, seed):
    """(train rows, test rows) of a dataset of n rows whose key columns are `keys` (texts)."""
    if spec["kind"] == "random":
        return random_split(n, spec["test"], seed)
    column = spec["key"] if spec["kind"] == "by_key" else spec["by"]
    if column not in keys:
        raise KeyError(f"split: the dataset does not keep column `{column}`")
    if spec["kind"] == "by_key":
        return by_key_split(keys[column], spec["test"], seed)
    return chronological_split(keys[column], spec["test"])
