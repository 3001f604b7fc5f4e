"""The spec's train/test split, as recc makes it (src/data/split.ts), so that train.py holds out
the rows `recc train` holds out:

  random         a seeded shuffle of the row indices; round(n * test) rows are test
  by_key         the distinct keys, sorted, shuffled with the seed; the first
                 round(#keys * test) keys are test keys, with all their rows
  chronological  rows sorted by a column of decimal numbers or of ISO 8601 dates (a date-time
                 without a zone is UTC; ties by row order); the latest round(n * test) rows
                 are test. Any other value (an empty one too), or a column mixing numbers and
                 dates, is a ValueError: recc refuses such a row (REC6002), never sorts as text

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


def js_order(text):
    """JavaScript's string order (UTF-16 code units)."""
    return text.encode("utf-16-be")


_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?", re.IGNORECASE)
_MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _civil_days(y, m, d):
    """Days from 1970-01-01 (H. Hinnant's days_from_civil), as src/data/time-order.ts."""
    yy = y - 1 if m <= 2 else y
    era = yy // 400
    yoe = yy - era * 400
    doy = (153 * (m - 3 if m > 2 else m + 9) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _iso_time(text):
    """The milliseconds of an ISO 8601 date or date-time, or None (time-order.ts's isoTime)."""
    m = _ISO.fullmatch(text)
    if not m:
        return None
    y, mo, d, h, mi, s = (0 if x is None else int(x) for x in m.groups()[:6])
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    if mo < 1 or mo > 12 or d < 1 or d > (29 if mo == 2 and leap else _MONTH_DAYS[mo - 1]) or h > 23 or mi > 59 or s > 59:
        return None
    offset = 0
    zone = m.group(8)
    if zone and zone.upper() != "Z":
        z = zone.replace(":", "")
        zh, zm = int(z[1:3]), int(z[3:5])
        if zh > 23 or zm > 59:
            return None
        offset = (-1 if z[0] == "-" else 1) * (zh * 60 + zm) * 60000
    frac = float(m.group(7)) * 1000 if m.group(7) else 0
    # the order of time-order.ts's sum, so that the doubles are the same
    return _civil_days(y, mo, d) * 86400000 + ((h * 60 + mi) * 60 + s) * 1000 + frac - offset


def _time(text):
    """A split time: ("number", x) for a decimal, ("date", ms) for an ISO date, else None."""
    t = text.strip()
    if _DECIMAL.fullmatch(t):
        v = float(t)
        if math.isfinite(v):
            return "number", v
    ms = _iso_time(t)
    return None if ms is None else ("date", ms)


def random_split(n, test, seed):
    order = _shuffle(list(range(n)), SeedRandom(f"split:{seed}"))
    k = _round(n * test)
    return np.sort(np.array(order[k:], dtype=np.int64)), np.sort(np.array(order[:k], dtype=np.int64))


def by_key_split(keys, test, seed):
    distinct = _shuffle(sorted(set(keys), key=js_order), SeedRandom(f"split:{seed}"))
    held = set(distinct[: _round(len(distinct) * test)])
    train = [i for i, k in enumerate(keys) if k not in held]
    tested = [i for i, k in enumerate(keys) if k in held]
    return np.array(train, dtype=np.int64), np.array(tested, dtype=np.int64)


def chronological_split(order, test):
    n = len(order)
    times = []
    for i, v in enumerate(order):
        t = _time(v)
        if t is None or (times and t[0] != times[0][0]):
            raise ValueError(f"chronological split, row {i + 1}: {v!r} is not a number or an ISO date like the rows before it")
        times.append(t)
    idx = sorted(range(n), key=lambda i: (times[i][1], i))
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
