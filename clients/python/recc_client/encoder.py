"""Rows → the inputs of a recc model, from the model's own metadata (`recc.features`,
`recc.supports` in the ONNX file's metadata_props)."""
import json

import numpy as np

from .features import BadValue, EncodeError, Feature
from .label_expr import LabelError, eval_label
from .onnx_metadata import metadata_props
from .support import key_text, support_index

SUPPORT_LABEL = 'label'
SUPPORT_MASK = 'mask'


class Encoder:
    """Encodes rows (mappings from column name to cell: text as read from CSV, or JSON values)."""

    def __init__(self, features, supports=(), vocabularies=None):
        vocabularies = vocabularies or {}
        self.features = [Feature(f, vocabularies.get(f['name'])) for f in features if f['kind'] != 'label']
        self.by_name = {f.name: f for f in self.features}
        self.supports = list(supports)

    @classmethod
    def from_metadata(cls, meta, vocabularies=None):
        return cls(json.loads(meta['recc.features']), json.loads(meta.get('recc.supports', '[]')), vocabularies)

    @classmethod
    def from_onnx(cls, path, vocabularies=None):
        return cls.from_metadata(metadata_props(path), vocabularies)

    def feeds(self, rows, supports=None):
        """The ONNX serving graph's inputs, by input name (numpy arrays, batch first)."""
        return self._encode(rows, supports, raw=True)

    def ids(self, rows, supports=None):
        """The data loader's encoding (what the training graph reads): ids, buckets, values."""
        return self._encode(rows, supports, raw=False)

    # --- internals ---

    def _cells(self, rows, features, raw, first_row=1):
        """Per feature, the encoded cell of every row; errors name the row and column."""
        out = {f.name: [] for f in features}
        for i, row in enumerate(rows):
            for f in features:
                try:
                    if f.column not in row:
                        raise BadValue(f.column, f'missing column `{f.column}` (feature `{f.name}`)', 'REC6001')
                    out[f.name].append(f.encode(row[f.column], raw))
                except BadValue as e:
                    raise EncodeError(first_row + i, e.column, e.code, str(e)) from None
        return out

    def _labels(self, rows, s, first_row=1):
        labels = []
        for i, row in enumerate(rows):
            try:
                labels.append(eval_label(s['label'], row))
            except LabelError as e:
                raise EncodeError(first_row + i, e.column or s['name'], e.code, f'support set `{s["name"]}`: {e}') from None
        return labels

    def _encode(self, rows, supports, raw):
        rows = list(rows)
        n = len(rows)
        cells = self._cells(rows, self.features, raw)
        out = {}
        for f in self.features:
            out[f.name] = np.array(cells[f.name], dtype=f.dtype(raw)).reshape([n, *f.shape()])
        for s in self.supports:
            items = [self.by_name[i] for i in s['items']]
            size = s['size']
            if supports is not None and s['name'] in supports:
                sets = supports[s['name']]
                if len(sets) != n:
                    raise ValueError(f'support set `{s["name"]}`: {len(sets)} lists of items for {n} rows')
                pool_rows = [item for items_of_row in sets for item in list(items_of_row)[-size:]]
                index, at = [], 0
                for items_of_row in sets:
                    k = min(len(items_of_row), size)
                    index += list(range(at, at + k)) + [-1] * (size - k)
                    at += k
                pool = self._cells(pool_rows, items, raw)
                labels = self._labels(pool_rows, s)
            else:
                for i, row in enumerate(rows):
                    if s['key'] not in row:
                        raise EncodeError(i + 1, s['key'], 'REC6001', f'missing column `{s["key"]}` (the task key of support set `{s["name"]}`)')
                index = support_index([key_text(r[s['key']]) for r in rows], size)
                pool = cells
                labels = self._labels(rows, s)
            for f in items:
                pad = f.padding(raw)
                values = [pool[f.name][r] if r >= 0 else pad for r in index]
                out[f'{s["name"]}.{f.name}'] = np.array(values, dtype=f.dtype(raw)).reshape([n, size, *f.shape()])
            out[f'{s["name"]}.{SUPPORT_LABEL}'] = np.array([labels[r] if r >= 0 else 0.0 for r in index], dtype='float32').reshape([n, size])
            out[f'{s["name"]}.{SUPPORT_MASK}'] = np.array([1.0 if r >= 0 else 0.0 for r in index], dtype='float32').reshape([n, size])
        return out
