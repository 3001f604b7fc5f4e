"""Data files → the exported model's inputs and labels, encoded as `recc train` encodes them
(copied by `recc export torch`). The encoding is recc's Python client (recc_client/, copied
beside this file: src/data/preprocess.ts's contract in Python, with support sets); this file
reads the files and keeps each row's line for errors. Features, support sets and tasks come
from spec.json, written by the export.

Formats: CSV (.csv), TSV (.tsv, .tab: no quoting), JSON Lines (.jsonl, .ndjson, .json), and
Parquet (a file starting with `PAR1`, whatever its name) when pyarrow is importable. A bad row
raises DataError with the file, line (Parquet: row number) and column.
"""
import csv
import datetime
import json
import math
import os
import re

import numpy as np

from recc_client import jsonl
from recc_client.encoder import Encoder
from recc_client.features import EncodeError
from recc_client.jsvalues import js_number_text
from recc_client.label_expr import LabelError, eval_label
from recc_client.support import key_text

HERE = os.path.dirname(os.path.abspath(__file__))


class DataError(Exception):
    """A bad row: `file:line: column: message [code]`."""

    def __init__(self, file, line, column, message, code="REC6002"):
        super().__init__(f"{file}:{line}: `{column}`: {message} [{code}]")
        self.file, self.line, self.column, self.message, self.code = file, line, column, message, code


def load_spec(path=os.path.join(HERE, "spec.json")):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# ── Parquet: pyarrow's values as the cells recc's reader gives (src/data/read-parquet.ts toCell) ──

PARQUET_MAGIC = b"PAR1"
SAFE_INTEGER = 2**53 - 1  # Number.MAX_SAFE_INTEGER: larger integers are kept as decimal text
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


class RawBytes:
    """A binary value without a text annotation: no cell (recc's REC6012 if the spec reads it)."""


def _int_cell(v):
    return v if abs(v) <= SAFE_INTEGER else str(v)


def _iso(v):
    """Timestamps as recc prints them: UTC, milliseconds (truncated toward zero), `Z`; dates as
    YYYY-MM-DD. A naive datetime is UTC (pyarrow gives naive values for timestamps without a zone)."""
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=datetime.timezone.utc)
        us = (v - EPOCH) // datetime.timedelta(microseconds=1)
        ms = us // 1000 if us >= 0 else -(-us // 1000)  # BigInt division: toward zero
        t = EPOCH + datetime.timedelta(milliseconds=ms)
        return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}.{t.microsecond // 1000:03d}Z"
    return v.isoformat()


def _js_json(v):
    """JSON.stringify of a struct's value as recc writes it: JavaScript's number text, integers
    past 2^53 as strings, no spaces, non-ASCII as is."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        c = _int_cell(v)
        return json.dumps(c) if isinstance(c, str) else js_number_text(c)
    if isinstance(v, float):
        return js_number_text(v) if math.isfinite(v) else "null"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (datetime.date, datetime.datetime)):
        return json.dumps(_iso(v))
    if isinstance(v, dict):
        return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{_js_json(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(_js_json(x) for x in v) + "]"
    return json.dumps(str(v), ensure_ascii=False)


def parquet_cell(v):
    """A value of pyarrow's to_pylist() as recc's cell: null, text, numbers (integers as numbers
    while exact, else their decimal text) and booleans as they are; lists of text or numbers as
    sequences, other lists and structs as their JSON text; timestamps and dates as ISO text;
    decimals as numbers; raw bytes as RawBytes."""
    if v is None or isinstance(v, (str, bool, float)):
        return v
    if isinstance(v, int):
        return _int_cell(v)
    if isinstance(v, (bytes, bytearray)):
        return RawBytes()
    if isinstance(v, (datetime.date, datetime.datetime)):
        return _iso(v)
    if isinstance(v, (list, tuple)):
        items = [_int_cell(x) if isinstance(x, int) and not isinstance(x, bool) else x for x in v]
        if all(isinstance(x, (str, int, float)) and not isinstance(x, bool) for x in items):
            return items
        return _js_json(v)
    if isinstance(v, dict):
        return _js_json(v)
    try:  # decimal.Decimal and other numbers
        return float(v)
    except (TypeError, ValueError):
        return _js_json(v)


def is_parquet(path):
    with open(path, "rb") as f:
        return f.read(4) == PARQUET_MAGIC


def parquet_records(path, columns):
    """(row number, {column: cell}) of a Parquet file, read a batch at a time with pyarrow; a raw
    bytes value in one of `columns` (those the spec reads) is REC6012."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError(path, 0, "(file)", "reading Parquet needs pyarrow, which is not importable here: pip install pyarrow, or convert the file to CSV", "REC6004") from None
    try:
        f = pq.ParquetFile(path)
        line = 0
        for batch in f.iter_batches():
            values = batch.to_pydict()
            for i in range(batch.num_rows):
                line += 1
                row = {c: parquet_cell(vs[i]) for c, vs in values.items()}
                for c, v in row.items():
                    if isinstance(v, RawBytes):
                        if c in columns:
                            raise DataError(path, line, c, f"column `{c}` holds raw bytes (Parquet binary without a text annotation), not text or numbers", "REC6012")
                        row[c] = None
                yield line, row
    except DataError:
        raise
    except Exception as e:  # pyarrow's errors for a file that is not whole or does not decode
        raise DataError(path, 0, "(file)", f"cannot read the Parquet file: {e}", "REC6011") from None


NOT_UTF8 = "this line holds bytes that are not UTF-8 (a text data file must be UTF-8: convert it, e.g. `iconv -f latin1 -t utf-8`)"


def not_utf8_line(path):
    """The line holding the file's first bytes that are not UTF-8, lines ending as recc's reader ends them (\\n, \\r\\n, a lone \\r)."""
    line = 1
    with open(path, "rb") as f:
        for raw in f:
            for part in re.split(rb"\r(?!\n)", raw):
                try:
                    part.decode("utf-8")
                except UnicodeDecodeError:
                    return line
                line += 1
    return line - 1  # the file ends inside a character: its last line


def read_records(path, columns=()):
    """(line, {column: cell}) for each record of a data file; cells of CSV/TSV are text."""
    if is_parquet(path):
        yield from parquet_records(path, set(columns))
        return
    try:
        yield from text_records(path)
    except UnicodeDecodeError:
        # as recc: an error at the line, never ids decoded otherwise than recc decodes them
        raise DataError(path, not_utf8_line(path), "(record)", NOT_UTF8, "REC6002") from None


def text_records(path):
    """read_records of a CSV, TSV or JSON Lines file."""
    ext = os.path.splitext(path)[1].lower()
    if ext == ".json":
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
        if text.lstrip().startswith("["):
            # one array, each object a record at its position, as recc reads it (read-jsonl.ts)
            try:
                items = jsonl.parse_array_items(text)
            except ValueError as e:
                raise DataError(path, 0, "(file)", f"the file is not valid JSON: {e}", "REC6002") from None
            for i, obj in enumerate(items, 1):
                if not isinstance(obj, dict):
                    raise DataError(path, i, "(record)", "not a JSON object", "REC6003")
                yield i, {k: jsonl.cell(v) for k, v in obj.items()}
            return
    if ext in (".jsonl", ".ndjson", ".json"):
        with open(path, encoding="utf-8-sig") as f:
            for i, text in enumerate(f, 1):
                if text.strip() == "":
                    continue
                try:
                    obj = jsonl.parse_object(text)
                except json.JSONDecodeError as e:
                    raise DataError(path, i, "(record)", f"not a JSON object: {e.msg}", "REC6003") from None
                except ValueError as e:
                    raise DataError(path, i, "(record)", f"not a JSON object: {e}", "REC6003") from None
                if not isinstance(obj, dict):
                    raise DataError(path, i, "(record)", "not a JSON object", "REC6003")
                # cells as recc's reader makes them (recc_client/jsonl.py)
                yield i, {k: jsonl.cell(v) for k, v in obj.items()}
        return
    if ext not in (".csv", ".tsv", ".tab"):
        raise DataError(path, 0, "(file)", "data.py reads .csv, .tsv, .jsonl and Parquet files", "REC6004")
    with open(path, encoding="utf-8-sig", newline="") as f:
        tsv = ext != ".csv"
        reader = csv.reader(f, delimiter="\t" if tsv else ",", quoting=csv.QUOTE_NONE if tsv else csv.QUOTE_MINIMAL)
        header = None
        prev = 0
        for rec in reader:
            # a record starts on the line after the previous one ended
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


def label_problem(task, y):
    """Why a label value is not one the task's kind learns from (preprocess.ts's labelProblem)."""
    if task["kind"] == "binary" and y not in (0, 1):
        return f"a binary label must be 0 or 1 (or true/false), found {y:g}"
    if task["kind"] == "multiclass" and not (float(y).is_integer() and 0 <= y < task["classes"]):
        return f"a multiclass label must be a class index 0 … {task['classes'] - 1}, found {y:g}"
    return None


def label_column_of(task):
    e = task["label"]
    while e["kind"] == "Paren":
        e = e["expr"]
    return e["name"] if e["kind"] == "Name" else None


class Dataset:
    """Columns of encoded rows: inputs (int64 ids, float32 values), labels per task, key texts."""

    def __init__(self, n, inputs, labels, keys):
        self.n, self.inputs, self.labels, self.keys = n, inputs, labels, keys


def row_problem(spec, encoder, row, key_columns):
    """(column, message, code) of a row's first problem, in recc's order, or None."""
    for c in [f["column"] for f in spec["features"] if f["kind"] == "label"] + list(key_columns):
        if c not in row:
            return c, f"missing column `{c}`", "REC6001"
    try:
        encoder.ids([row], supports={s["name"]: [[]] for s in spec.get("supports", [])})
    except EncodeError as e:
        return e.column, e.message, e.code
    for t in spec["tasks"]:
        try:
            y = eval_label(t["label"], row)
        except LabelError as e:
            return e.column or t["name"], f"task `{t['name']}`: {e}", e.code
        bad = label_problem(t, y)
        if bad:
            return label_column_of(t) or t["name"], f"task `{t['name']}`: {bad}", "REC6002"
    return None


def columns_read(spec, key_columns=()):
    """The data columns the spec reads: features' and support sets' columns, label expressions'
    names, and key columns."""
    names = set(key_columns)

    def walk(x):
        if isinstance(x, dict):
            if x.get("kind") == "Name" and isinstance(x.get("name"), str):
                names.add(x["name"])
            for k, v in x.items():
                if k == "column" and isinstance(v, str):
                    names.add(v)
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk([spec["features"], spec.get("supports", []), [t["label"] for t in spec["tasks"]]])
    return names


def encode(path, spec, key_columns=(), optional_keys=()):
    """Encode a data file for the model of `spec`; DataError at the first bad row. The text of
    `key_columns` is kept; so is that of each of `optional_keys` that every row holds (the group
    column, which only slices the evaluation)."""
    records = list(read_records(path, columns_read(spec, list(key_columns) + list(optional_keys))))
    if not records:
        raise DataError(path, 1, "(file)", "no data rows", "REC6004")
    rows = [r for _, r in records]
    encoder = Encoder(spec["features"], spec.get("supports", []))
    # the whole file at once (support sets reach back over earlier rows); on an error, the first
    # bad row is found row by row
    try:
        for i, row in enumerate(rows):
            for c in [f["column"] for f in spec["features"] if f["kind"] == "label"] + list(key_columns):
                if c not in row:
                    raise EncodeError(i + 1, c, "REC6001", f"missing column `{c}`")
        inputs = encoder.ids(rows)
        labels = {t["name"]: np.array([eval_label(t["label"], r) for r in rows], dtype=np.float32) for t in spec["tasks"]}
        if any(label_problem(t, y) for t in spec["tasks"] for y in labels[t["name"]].tolist()):
            raise EncodeError(len(rows), "label", "REC6002", "a label its task cannot learn from")
    except (EncodeError, LabelError):
        for (line, row) in records:
            bad = row_problem(spec, encoder, row, key_columns)
            if bad:
                raise DataError(path, line, *bad) from None
        raise
    inputs = {k: v.astype(np.int64) if v.dtype.kind == "i" else v for k, v in inputs.items()}
    keys = {c: [key_text(r[c]) for r in rows] for c in key_columns}
    for c in optional_keys:
        if c not in keys and all(c in r for r in rows):
            keys[c] = [key_text(r[c]) for r in rows]
    return Dataset(len(rows), inputs, labels, keys)


def take(ds, rows):
    """The rows `rows` (indices, in order) of a dataset."""
    return Dataset(
        len(rows),
        {k: v[rows] for k, v in ds.inputs.items()},
        {k: v[rows] for k, v in ds.labels.items()},
        {k: [v[i] for i in rows] for k, v in ds.keys.items()},
    )
