"""JavaScript's readings of cells, where the recc data loader (TypeScript) uses them.

The encoding contract is defined by the loader's behaviour, so a cell must become the same text
and the same number here as there:

- ``js_string(v)``: ``String(v)``. Numbers print as ECMAScript's Number::toString does (``1.0`` is
  ``"1"``, ``1e-7`` is ``"1e-7"``, ``1e21`` is ``"1e+21"``), booleans as ``"true"``/``"false"``,
  lists joined with ``","``. Hashed ids hash this text.
- ``js_trim(s)``: ``String.prototype.trim`` (JavaScript's whitespace, not Python's).
- ``decimal(s)``: how the loader reads a number from text (its ``decimal``): a decimal literal
  with surrounding blanks, else NaN; ``0x10``, ``Infinity`` and ``1_000`` are not numbers a data
  file means.
- ``float32_finite(x)``: whether x stays finite as a float32 (``Math.fround``): inputs and labels
  are float32 tensors, where ``1e39`` is infinite, so the loader refuses it like ``1e400``;
  ``fround(x)``: ``Math.fround`` itself (bucket boundaries are compared as float32 values).

An int is its exact digits as text (``12345678901234567890``), as the loader keeps an integer of a
JSON Lines file that a float64 cannot hold (and a CSV cell or a Parquet INT64 gives the digits).
"""
import math
import re
import struct

# ECMAScript WhiteSpace and LineTerminator code points (what trim() and Number() skip, and what
# the regular expression class \s matches).
_JS_SPACE = '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'
# re.ASCII: JavaScript's \d is 0-9 only; Python's matches every Unicode digit ('٣', '３'), which
# float() then reads, where recc refuses the cell
_DECIMAL = re.compile(r'[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)\Z', re.ASCII)
_SPLIT_DENSE = re.compile('[' + re.escape(_JS_SPACE) + ',|]+')


def js_trim(s):
    return s.strip(_JS_SPACE)


def js_number_text(x):
    """ECMAScript Number::toString(x) for a float or int."""
    if isinstance(x, bool):
        return 'true' if x else 'false'
    x = float(x)
    if math.isnan(x):
        return 'NaN'
    if math.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    if x == 0:
        return '0'
    if x < 0:
        return '-' + js_number_text(-x)
    # the shortest digits that round-trip (repr gives them), and the decimal exponent n:
    # x = 0.d1d2…dk × 10^n
    mantissa, _, exp = repr(x).partition('e')
    whole, _, frac = mantissa.partition('.')
    digits = (whole + frac).lstrip('0')
    lead_zeros = len(whole + frac) - len((whole + frac).lstrip('0'))
    n = len(whole) + (int(exp) if exp else 0) - lead_zeros
    digits = digits.rstrip('0') or '0'
    k = len(digits)
    if k <= n <= 21:
        return digits + '0' * (n - k)
    if 0 < n <= 21:
        return digits[:n] + '.' + digits[n:]
    if -6 < n <= 0:
        return '0.' + '0' * (-n) + digits
    e = n - 1
    sign = '+' if e >= 0 else '-'
    return (digits[0] + ('.' + digits[1:] if k > 1 else '')) + 'e' + sign + str(abs(e))


def js_string(v):
    """String(v) for a cell: text as is, numbers and booleans as JavaScript prints them."""
    if v is None:
        return 'null'
    if isinstance(v, str):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    if isinstance(v, (bool, float)):
        return js_number_text(v)
    if isinstance(v, (list, tuple)):
        return ','.join('' if x is None else js_string(x) for x in v)
    return str(v)


def decimal(s):
    """The loader's decimal: the number of a decimal text (blanks around it ignored), else NaN."""
    t = js_trim(s)
    return float(t) if _DECIMAL.match(t) else math.nan


def fround(x):
    """Math.fround(x): x rounded to float32 (x finite as a float32: see float32_finite)."""
    return struct.unpack('<f', struct.pack('<f', x))[0]


def float32_finite(x):
    """Math.fround(x) is finite: x rounds to a float32 short of infinity."""
    if not math.isfinite(x):
        return False
    try:
        struct.pack('<f', x)  # rounds as a C float cast does, and overflows where that is infinite
    except OverflowError:
        return False
    return True


def cell_number(v):
    """The loader's cellNumber: numbers as they are, booleans 1/0, decimal text; else NaN."""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        try:
            return float(v)
        except OverflowError:  # an int past float64's range, as `1e400` is in a file
            return math.copysign(math.inf, v)
    if not isinstance(v, str):
        return math.nan
    return decimal(v)


def dense_values(v):
    """The loader's denseValues: a list's items, one number, or text split on whitespace, "," or "|"."""
    if isinstance(v, (list, tuple)):
        return [cell_number(x) for x in v]
    if isinstance(v, (bool, int, float)):
        return [cell_number(v)]
    text = '' if v is None else js_string(v)
    return [decimal(p) for p in _SPLIT_DENSE.split(text) if p != '']


def js_div(a, b):
    """a / b with IEEE 754 results (JavaScript) instead of ZeroDivisionError."""
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b
