"""JSON Lines records as recc's reader makes cells of them (src/data/read-jsonl.ts and
json-number-text.ts), for rows to hand to ``Model.encode``:

    rows = [parse_record(line) for line in open("requests.jsonl", encoding="utf-8") if line.strip()]

``json.loads`` alone gives other cells where JavaScript's reader does not keep the value:

- a number ``JSON.parse`` loses (past 2^53, or past float64: ``1e21``, ``1e400``) is its literal
  text in recc when the record holds one as a value or list item, as the cell a CSV file gives
  for the same digits; ``json.loads`` gives ``1e+21`` or ``inf``;
- an object, or a list holding booleans, lists or objects, is one cell of its JSON text
  (``JSON.stringify``'s: no spaces, numbers as JavaScript prints them);
- ``NaN`` and ``Infinity`` are not JSON.
"""
import json
import math

from .jsvalues import js_number_text

SAFE_INTEGER = 2**53 - 1


def _js_int(lit):
    """An integer literal as JSON.parse gives it: a float64 past 2^53 (JavaScript has no other)."""
    v = int(lit)
    return v if abs(v) <= SAFE_INTEGER else float(v)


def _lossy(x):
    """Whether JSON.parse's number may not be the literal's value (json-number-text.ts lossyNumber)."""
    return isinstance(x, float) and (not math.isfinite(x) or (x.is_integer() and abs(x) > SAFE_INTEGER))


def _keep_lossy(lit, number):
    """A number literal as recc's second parse gives it: its text when JSON.parse would lose it."""
    x = number(lit)
    return lit if _lossy(x) else x


def _holds_lossy(obj):
    """Whether an object holds, as a value or a list value's item, a number JSON.parse loses."""
    return isinstance(obj, dict) and any(_lossy(v) or (isinstance(v, list) and any(_lossy(x) for x in v)) for v in obj.values())


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


def parse_object(text):
    """One line's JSON value as recc parses it: by JSON.parse, then, when a value or a list
    value's item is a number JSON.parse loses, again keeping every such number's literal text.
    Raises ValueError (json.JSONDecodeError is one) on text that is not JSON."""
    obj = json.loads(text, parse_int=_js_int, parse_constant=_no_constant)
    if _holds_lossy(obj):
        obj = json.loads(text, parse_int=lambda lit: _keep_lossy(lit, _js_int), parse_float=lambda lit: _keep_lossy(lit, float), parse_constant=_no_constant)
    return obj


def parse_array_items(text):
    """The items of a ``.json`` file holding one array, as recc's reader parses them: by JSON.parse,
    and an item holding a number JSON.parse loses from a second parse that keeps every such
    number's literal text. Raises ValueError on text that is not JSON, or not an array."""
    items = json.loads(text, parse_int=_js_int, parse_constant=_no_constant)
    if not isinstance(items, list):
        raise ValueError("not a JSON array")
    kept = None
    for i, obj in enumerate(items):
        if _holds_lossy(obj):
            if kept is None:
                kept = json.loads(text, parse_int=lambda lit: _keep_lossy(lit, _js_int), parse_float=lambda lit: _keep_lossy(lit, float), parse_constant=_no_constant)
            items[i] = kept[i]
    return items


def js_json(v):
    """JSON.stringify of a parsed JSON value: no spaces, JavaScript's number text, non-ASCII as is."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return js_number_text(v) if math.isfinite(v) else "null"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{js_json(x)}" for k, x in v.items()) + "}"
    return "[" + ",".join(js_json(x) for x in v) + "]"


def cell(v):
    """A JSON value as a cell (read-jsonl.ts toCell): a list of texts, numbers and nulls is a list;
    an object, or a list holding anything else, is its JSON text."""
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    if isinstance(v, list) and all(x is None or isinstance(x, str) or (isinstance(x, (int, float)) and not isinstance(x, bool)) for x in v):
        return v
    return js_json(v)


def parse_record(text):
    """A JSON Lines record as a row of cells, as recc reads it. Raises ValueError when the line is
    not a JSON object."""
    obj = parse_object(text)
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    return {k: cell(v) for k, v in obj.items()}
