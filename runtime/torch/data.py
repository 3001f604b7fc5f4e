"""Data files → the exported model's inputs and labels, encoded as `recc train` encodes them
(copied by `recc export torch`). The encoding is recc's Python client (recc_client/, copied
beside this file: src/data/preprocess.ts's contract in Python, with support sets); this file
reads the files and keeps each row's line for errors. Features, support sets and tasks come
from spec.json, written by the export.

Formats: CSV (.csv), TSV (.tsv, .tab: no quoting), JSON Lines (.jsonl, .ndjson, .json). A bad
row raises DataError with the file, line and column.
"""
import csv
import json
import os

import numpy as np

from recc_client.encoder import Encoder
from recc_client.features import EncodeError
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


def encode(path, spec, key_columns=()):
    """Encode a data file for the model of `spec`; DataError at the first bad row."""
    records = list(read_records(path))
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
    return Dataset(len(rows), inputs, labels, keys)


def take(ds, rows):
    """The rows `rows` (indices, in order) of a dataset."""
    return Dataset(
        len(rows),
        {k: v[rows] for k, v in ds.inputs.items()},
        {k: v[rows] for k, v in ds.labels.items()},
        {k: [v[i] for i in rows] for k, v in ds.keys.items()},
    )
