"""recc's encoding contract in Python: data files → the model's inputs and labels (copied by
`recc export torch`; the contract is src/data/preprocess.ts, and the tests check this file equal
to it). The features and tasks come from spec.json, written by the export.

  id, vocabulary v_1..v_V   v_i → i + 2 (the first value is 2); unknown → 1; "" / null → 0
  id, hash N                1 + fnv1a32(UTF-8 text) mod N; "" / null → 0
  seq(max_len L, sep s)     split on s (a JSON array: its items), items trimmed, empty ones
                            dropped; the LAST L items, left-aligned, right-padded with 0
  bucketize b_1 ≤ … ≤ b_K   1 + #{i : b_i ≤ x}; x must be a number
  dense(n)                  n numbers separated by ",", "|" or whitespace (or a JSON array)
  labels                    each task's label expression, over the row's cells

Formats: CSV (.csv), TSV (.tsv, .tab: no quoting), JSON Lines (.jsonl, .ndjson, .json). A bad
row raises DataError with the file, line and column.
"""
import csv
import json
import math
import os
import re

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DECIMAL = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
DENSE_SEP = re.compile(r"[\s,|]+")


class DataError(Exception):
    """A bad row: `file:line: column: message [code]`."""

    def __init__(self, file, line, column, message, code="REC6002"):
        super().__init__(f"{file}:{line}: `{column}`: {message} [{code}]")
        self.file, self.line, self.column, self.code = file, line, column, code


class BadValue(Exception):
    def __init__(self, column, message, code="REC6002"):
        super().__init__(message)
        self.column, self.code = column, code


def load_spec(path=os.path.join(HERE, "spec.json")):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# ── cells ────────────────────────────────────────────────────────────────────


def js_text(v):
    """A cell as JavaScript's String(v) writes it (ids hash their text: 42 → "42", not "42.0")."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else "Infinity" if v > 0 else "-Infinity"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e21:
        return str(int(v))
    if isinstance(v, list):
        return ",".join(js_text(x) for x in v)
    return str(v)


def decimal(text):
    s = text.strip()
    return float(s) if DECIMAL.match(s) else math.nan


def cell_number(v):
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        return float(v)
    return decimal(v) if isinstance(v, str) else math.nan


def fnv1a32(text):
    h = 0x811C9DC5
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        # a lone surrogate (from a JSON escape) becomes U+FFFD, as TextEncoder writes it
        data = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode("utf-8")
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def hash_bucket(text, buckets):
    return 1 + fnv1a32(text) % buckets


def vocab_map(source):
    if "_map" not in source:
        m = {}
        for i, v in enumerate(source["values"]):
            m.setdefault(v, i + 2)
        source["_map"] = m
    return source["_map"]


def id_of(v, source):
    if v is None or v == "":
        return 0
    s = js_text(v)
    if source["kind"] == "hash":
        return hash_bucket(s, source["buckets"])
    return vocab_map(source).get(s, 1)


def bucket_of(x, boundaries):
    return 1 + sum(1 for b in boundaries if b <= x)


def seq_items(v, sep):
    if v is None:
        return []
    parts = [js_text(x) for x in v] if isinstance(v, list) else js_text(v).split(sep)
    return [p.strip() for p in parts if p.strip() != ""]


def dense_values(v):
    if isinstance(v, list):
        return [cell_number(x) for x in v]
    if isinstance(v, (int, float, bool)):
        return [cell_number(v)]
    return [decimal(s) for s in DENSE_SEP.split("" if v is None else str(v)) if s != ""]


def number_of(v, column):
    x = cell_number(v)
    if not math.isfinite(x):
        shown = ",".join(js_text(i) for i in v) if isinstance(v, list) else ("" if v is None else js_text(v))
        raise BadValue(column, f"`{column}` must be a number, found `{shown}`")
    return x


def feature_width(f):
    return f["maxLen"] if f["kind"] == "seq" else f["size"] if f["kind"] == "dense" else 1


def encode_feature(f, v):
    kind = f["kind"]
    if kind == "id":
        return [id_of(v, f["source"])]
    if kind == "bucketize":
        return [bucket_of(number_of(v, f["column"]), f["boundaries"])]
    if kind == "seq":
        items = seq_items(v, f["sep"])[-f["maxLen"] :] if f["maxLen"] > 0 else []
        return [id_of(items[i], f["source"]) if i < len(items) else 0 for i in range(f["maxLen"])]
    xs = dense_values(v)
    if len(xs) != f["size"]:
        raise BadValue(f["column"], f"`{f['column']}` must hold {f['size']} number{'' if f['size'] == 1 else 's'}, found {len(xs)}")
    for i, x in enumerate(xs):
        if not math.isfinite(x):
            raise BadValue(f["column"], f"`{f['column']}` item {i + 1} is not a number")
    return xs


# ── label expressions (src/data/label-expr.ts) ───────────────────────────────


class Val:
    __slots__ = ("num", "text", "str", "column")

    def __init__(self, num, s, text, column=None):
        self.num, self.str, self.text, self.column = num, s, text, column


def num_val(x):
    return Val(x, js_text(x), False)


def cell_val(c, name):
    if c is MISSING:
        raise BadValue(name, f"missing column `{name}`", "REC6001")
    if c is None or c == "":
        raise BadValue(name, f"label column `{name}` is empty", "REC6001")
    if isinstance(c, bool):
        return Val(1.0 if c else 0.0, js_text(c), False, name)
    if isinstance(c, (int, float)):
        return Val(float(c), js_text(c), False, name)
    if isinstance(c, list):
        return Val(math.nan, "|".join(js_text(x) for x in c), True, name)
    t = c.strip()
    low = t.lower()
    x = 1.0 if low == "true" else 0.0 if low == "false" else decimal(t)
    return Val(x, t, not math.isfinite(x), name)


def need_number(v, op):
    if v.text:
        what = f"label column `{v.column}` holds `{v.str}`" if v.column else f'the text "{v.str}"'
        raise BadValue(v.column or "label", f"{what}, not a number (`{op}` needs numbers)")


ARITH = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: (a / b if b != 0 else (math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a) * math.copysign(1, b))),
    "<": lambda a, b: float(a < b),
    "<=": lambda a, b: float(a <= b),
    ">": lambda a, b: float(a > b),
    ">=": lambda a, b: float(a >= b),
    "and": lambda a, b: float(a != 0 and b != 0),
    "or": lambda a, b: float(a != 0 or b != 0),
}


def eval_label(e, cell):
    """The value of a label expression (its JSON from spec.json) on a row; BadValue on a bad row."""

    def go(x):
        k = x["kind"]
        if k == "Number":
            return num_val(float(x["value"]))
        if k == "Bool":
            return num_val(1.0 if x["value"] else 0.0)
        if k == "String":
            return Val(math.nan, x["value"], True)
        if k == "Name":
            return cell_val(cell(x["name"]), x["name"])
        if k == "Paren":
            return go(x["expr"])
        if k == "Unary":
            v = go(x["operand"])
            need_number(v, x["op"])
            return num_val((1.0 if v.num == 0 else 0.0) if x["op"] == "not" else -v.num)
        l, r = go(x["left"]), go(x["right"])
        op = x["op"]
        if op in ("==", "!="):
            mixed = (l, r) if l.text and l.column and not r.text else (r, l) if r.text and r.column and not l.text else None
            if mixed:
                c, other = mixed
                raise BadValue(c.column, f"label column `{c.column}` holds `{c.str}`, compared with the number {other.str} (`{op}` would never match it)")
            same = l.str == r.str if l.text or r.text else l.num == r.num
            return num_val(1.0 if same == (op == "==") else 0.0)
        need_number(l, op)
        need_number(r, op)
        if op not in ARITH:
            raise BadValue("label", f"`{op}` is not allowed in a label expression")
        return num_val(ARITH[op](l.num, r.num))

    v = go(e)
    if v.text:
        msg = f"label column `{v.column}` holds `{v.str}`, not a number (write a number, or true/false)" if v.column else f'the label expression gives the text "{v.str}", not a number'
        raise BadValue(v.column or "label", msg)
    if not math.isfinite(v.num):
        raise BadValue("label", f"the label expression gives {js_text(v.num)} on this row (a division by zero?)")
    return v.num


def label_problem(task, y):
    if task["kind"] == "binary" and y not in (0, 1):
        return f"a binary label must be 0 or 1 (or true/false), found {js_text(y)}"
    if task["kind"] == "multiclass" and not (float(y).is_integer() and 0 <= y < task["classes"]):
        return f"a multiclass label must be a class index 0 … {task['classes'] - 1}, found {js_text(y)}"
    return None


def label_column_of(task):
    e = task["label"]
    while e["kind"] == "Paren":
        e = e["expr"]
    return e["name"] if e["kind"] == "Name" else None


# ── files ────────────────────────────────────────────────────────────────────

MISSING = object()


def read_records(path):
    """(line, {column: cell}) for each record of a data file; cells of CSV/TSV are text."""
    ext = os.path.splitext(path)[1].lower()
    if ext in (".jsonl", ".ndjson", ".json"):
        with open(path, encoding="utf-8-sig") as f:
            for i, text in enumerate(f, 1):
                if text.strip() == "":
                    continue
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as e:
                    raise DataError(path, i, "(record)", f"not a JSON object: {e.msg}", "REC6003") from None
                if not isinstance(obj, dict):
                    raise DataError(path, i, "(record)", "not a JSON object", "REC6003")
                yield i, obj
        return
    if ext not in (".csv", ".tsv", ".tab"):
        raise DataError(path, 0, "(file)", "data.py reads .csv, .tsv and .jsonl files", "REC6004")
    with open(path, encoding="utf-8-sig", newline="") as f:
        tsv = ext != ".csv"
        reader = csv.reader(f, delimiter="\t" if tsv else ",", quoting=csv.QUOTE_NONE if tsv else csv.QUOTE_MINIMAL)
        header = None
        prev = 0
        for rec in reader:
            start, prev = prev + 1, reader.line_num
            if rec == [] or rec == [""]:
                continue
            if header is None:
                header = rec
                continue
            if len(rec) != len(header):
                raise DataError(path, start, "(record)", f"{len(rec)} fields where the header has {len(header)}", "REC6003")
            yield start, dict(zip(header, rec))
        if header is None:
            raise DataError(path, 1, "(file)", "no header row", "REC6004")


class Dataset:
    """Columns of encoded rows: inputs (int64 ids, float32 values), labels per task, key texts."""

    def __init__(self, n, inputs, labels, keys):
        self.n, self.inputs, self.labels, self.keys = n, inputs, labels, keys


def encode(path, spec, key_columns=()):
    """Encode a data file for the model of `spec`; DataError at the first bad row."""
    if spec.get("supports"):
        raise DataError(path, 0, "(spec)", "support sets (CMML) are not encoded by data.py yet; train this model with `recc train`", "REC6004")
    feats = [f for f in spec["features"] if f["kind"] != "label"]
    label_cols = [f["column"] for f in spec["features"] if f["kind"] == "label"]
    tasks = spec["tasks"]
    inputs = {f["name"]: [] for f in feats}
    labels = {t["name"]: [] for t in tasks}
    keys = {c: [] for c in key_columns}
    n = 0
    for line, row in read_records(path):
        cell = lambda c: row.get(c, MISSING)  # noqa: E731
        try:
            for c in label_cols + list(key_columns):
                if c not in row:
                    raise BadValue(c, f"missing column `{c}`", "REC6001")
            for f in feats:
                if f["column"] not in row:
                    raise BadValue(f["column"], f"missing column `{f['column']}` (feature `{f['name']}`)", "REC6001")
                inputs[f["name"]].append(encode_feature(f, row[f["column"]]))
            for t in tasks:
                try:
                    y = eval_label(t["label"], cell)
                except BadValue as e:
                    raise BadValue(e.column, f"task `{t['name']}`: {e}", e.code) from None
                bad = label_problem(t, y)
                if bad:
                    raise BadValue(label_column_of(t) or t["name"], f"task `{t['name']}`: {bad}")
                labels[t["name"]].append(y)
        except BadValue as e:
            raise DataError(path, line, e.column, str(e), e.code) from None
        for c in key_columns:
            v = row[c]
            keys[c].append("" if v is None else "|".join(js_text(x) for x in v) if isinstance(v, list) else js_text(v))
        n += 1
    if n == 0:
        raise DataError(path, 1, "(file)", "no data rows", "REC6004")
    out = {}
    for f in feats:
        a = np.asarray(inputs[f["name"]], dtype=np.float32 if f["kind"] == "dense" else np.int64)
        out[f["name"]] = a.reshape(n) if f["kind"] in ("id", "bucketize") else a.reshape(n, feature_width(f))
    return Dataset(n, out, {k: np.asarray(v, dtype=np.float32) for k, v in labels.items()}, keys)
