"""Label expressions (``clicked``, ``rating >= 4``, ``genre == "drama"``) on one row, as recc's
src/data/label-expr.ts evaluates them; the serving model's metadata carries their syntax trees.

A cell that reads as a number (numbers, numeric text, true/false) is that number, anything else is
text. ``==`` and ``!=`` compare text when either side is text, numbers otherwise; arithmetic,
ordering, ``and``, ``or`` and ``not`` need numbers; comparisons and logic give 1 or 0. The result
must be a finite number."""
import math

from .jsvalues import cell_number, decimal, float32_finite, js_div, js_number_text, js_string, js_trim


class LabelError(ValueError):
    def __init__(self, message, column=None, code='REC6002'):
        super().__init__(message)
        self.column = column
        self.code = code


class _Val:
    __slots__ = ('num', 'text', 'is_text', 'column')

    def __init__(self, num, text, is_text, column=None):
        self.num, self.text, self.is_text, self.column = num, text, is_text, column


def _number(n):
    return _Val(n, js_number_text(n), False)


def _cell(row, name):
    if name not in row:
        raise LabelError(f'missing column `{name}`', name, 'REC6001')
    c = row[name]
    if c is None or c == '':
        raise LabelError(f'label column `{name}` is empty', name, 'REC6001')
    if isinstance(c, bool):
        return _Val(1.0 if c else 0.0, js_string(c), False, name)
    if isinstance(c, (int, float)):
        x = cell_number(c)
        if not float32_finite(x):
            raise _out_of_range(c, name)
        return _Val(x, js_string(c), False, name)
    if isinstance(c, (list, tuple)):
        return _Val(math.nan, '|'.join('' if x is None else js_string(x) for x in c), True, name)
    t = js_trim(str(c))
    low = t.lower()
    num = 1.0 if low == 'true' else 0.0 if low == 'false' else decimal(t)
    # a decimal past float32's range (`1e39`) is a number the labels' float32 tensor cannot hold, not text
    if not math.isnan(num) and not float32_finite(num):
        raise _out_of_range(c, name)
    return _Val(num, t, math.isnan(num), name)


def _out_of_range(c, name):
    why = 'not a number' if math.isnan(cell_number(c)) else "beyond float32's range (±3.4e38)"
    return LabelError(f'label column `{name}` holds `{js_string(c)}`, {why}', name)


def _need_number(v, op):
    if v.is_text:
        what = f'label column `{v.column}` holds `{v.text}`' if v.column else f'the text "{v.text}"'
        raise LabelError(f'{what}, not a number (`{op}` needs numbers)', v.column)


_ARITH = {
    '+': lambda a, b: a + b,
    '-': lambda a, b: a - b,
    '*': lambda a, b: a * b,
    '/': js_div,
    '<': lambda a, b: 1.0 if a < b else 0.0,
    '<=': lambda a, b: 1.0 if a <= b else 0.0,
    '>': lambda a, b: 1.0 if a > b else 0.0,
    '>=': lambda a, b: 1.0 if a >= b else 0.0,
    'and': lambda a, b: 1.0 if a != 0 and b != 0 else 0.0,
    'or': lambda a, b: 1.0 if a != 0 or b != 0 else 0.0,
}


def _go(e, row):
    kind = e.get('kind')
    if kind == 'Number':
        return _number(float(e['value']))
    if kind == 'Bool':
        return _number(1.0 if e['value'] else 0.0)
    if kind == 'String':
        return _Val(math.nan, e['value'], True)
    if kind == 'Name':
        return _cell(row, e['name'])
    if kind == 'Paren':
        return _go(e['expr'], row)
    if kind == 'Unary':
        v = _go(e['operand'], row)
        _need_number(v, e['op'])
        return _number((1.0 if v.num == 0 else 0.0) if e['op'] == 'not' else -v.num)
    if kind == 'Binary':
        left, right, op = _go(e['left'], row), _go(e['right'], row), e['op']
        if op in ('==', '!='):
            # a text cell against a number would be unequal on every row: an error, as in recc
            mixed = (left, right) if left.is_text and left.column and not right.is_text else (right, left) if right.is_text and right.column and not left.is_text else None
            if mixed:
                cell, other = mixed
                raise LabelError(f'label column `{cell.column}` holds `{cell.text}`, compared with the number {other.text} (`{op}` would never match it)', cell.column)
            same = left.text == right.text if left.is_text or right.is_text else left.num == right.num
            return _number(1.0 if same == (op == '==') else 0.0)
        _need_number(left, op)
        _need_number(right, op)
        if op not in _ARITH:
            raise LabelError(f'`{op}` is not allowed in a label expression')
        return _number(_ARITH[op](left.num, right.num))
    raise LabelError('only columns, numbers, strings and operators are allowed in a label expression')


def eval_label(expr, row):
    """The value of a label expression (its syntax tree, a dict) on a row (a mapping)."""
    v = _go(expr, row)
    if v.is_text:
        if v.column:
            raise LabelError(f'label column `{v.column}` holds `{v.text}`, not a number (write a number, or true/false)', v.column)
        raise LabelError(f'the label expression gives the text "{v.text}", not a number')
    if not math.isfinite(v.num):
        raise LabelError(f'the label expression gives {js_number_text(v.num)} on this row (a division by zero?)')
    if not float32_finite(v.num):
        raise LabelError(f"the label expression gives {js_number_text(v.num)} on this row, beyond float32's range (±3.4e38)")
    return v.num
