"""One cell of a feature, encoded as recc's data loader does (src/data/preprocess.ts), in two forms:

- ``raw``: what the ONNX serving graph takes (its inputs): vocabulary values as text ("" is
  padding), hashed ids as int64 (0 is padding), bucketized values as float32 numbers (the graph
  buckets them), dense vectors as float32;
- ``ids``: what the training graph takes (the loader's ids): vocabulary value i → i + 2, unknown →
  1, empty → 0; hashed → hash_bucket; buckets 1 + #{boundaries ≤ x} as float32; dense as float32.

The rules (from preprocess.ts):
  id            "" / null / missing value → 0 (padding); else the cell's text (String(cell))
  seq(L, sep)   the cell split on sep (a list: its items, null items dropped), items trimmed,
                empty items dropped, the LAST L kept, left-aligned, right-padded
  bucketize     the cell must be a number (a decimal as text) finite as a float32
  dense(n)      n numbers separated by "," or whitespace or "|" (or a list), each finite as a float32
"""
import math

from .fnv import hash_bucket
from .jsvalues import cell_number, dense_values, float32_finite, fround, js_string, js_trim


class EncodeError(ValueError):
    """A row that cannot be encoded: its 1-based number, the column, a recc error code."""

    def __init__(self, row, column, code, message):
        super().__init__(f'row {row} (column {column}): error[{code}]: {message}')
        self.row, self.column, self.code, self.message = row, column, code, message


class BadValue(ValueError):
    def __init__(self, column, message, code='REC6002'):
        super().__init__(message)
        self.column, self.code = column, code


def seq_items(v, sep):
    if v is None:
        return []
    # a list's null item is no item, as an empty item between two separators is none
    parts = [js_string(x) for x in v if x is not None] if isinstance(v, (list, tuple)) else (list(js_string(v)) if sep == '' else js_string(v).split(sep))
    return [t for t in (js_trim(p) for p in parts) if t != '']


def bucket_of(x, boundaries):
    """1 + #{boundaries ≤ x}, compared as float32 values, as the serving graph compares them."""
    v = fround(x)
    return 1 + sum(1 for b in boundaries if fround(b) <= v)


class Feature:
    """A feature spec from the model's metadata (`recc.features`), with its encoders."""

    def __init__(self, spec, vocabulary=None):
        self.spec = spec
        self.kind = spec['kind']
        self.name = spec['name']
        self.column = spec.get('column', self.name)
        source = spec.get('source') or {}
        self.hashed = source.get('kind') == 'hash'
        self.buckets = source.get('buckets')
        values = vocabulary if vocabulary is not None else source.get('values')
        self._vocab = None
        if source.get('kind') == 'vocab' and values is not None:
            self._vocab = {}
            for i, value in enumerate(values):  # a value listed twice keeps its first index
                self._vocab.setdefault(value, i + 2)
        self._vocab_missing = source.get('kind') == 'vocab' and values is None
        self.max_len = spec.get('maxLen')
        self.sep = spec.get('sep', '|')
        self.boundaries = spec.get('boundaries')
        self.size = spec.get('size')

    # --- one categorical value ---

    def _text(self, v):
        # empty text is padding, whatever gives it: "", None, a list with no item ([], [None])
        t = None if v is None else js_string(v)
        return None if t == '' else t

    def _id(self, text):
        if text is None:
            return 0
        if self.hashed:
            return hash_bucket(text, self.buckets)
        if self._vocab_missing:
            raise ValueError(f'the vocabulary of `{self.name}` is not in the model metadata (it has {self.spec["source"].get("size")} values): pass vocabularies={{"{self.name}": [...]}}')
        return self._vocab.get(text, 1)

    def _raw(self, text):
        if self.hashed:
            return 0 if text is None else hash_bucket(text, self.buckets)
        return '' if text is None else text

    # --- a cell ---

    def _number(self, v):
        x = cell_number(v)
        if not float32_finite(x):
            shown = ','.join(js_string(i) for i in v) if isinstance(v, (list, tuple)) else ('' if v is None else js_string(v))
            beyond = '' if math.isnan(x) else ", beyond float32's range (±3.4e38)"
            raise BadValue(self.column, f'`{self.column}` must be a number, found `{shown}`{beyond}')
        return x

    def _dense(self, v):
        xs = dense_values(v)
        if len(xs) != self.size:
            raise BadValue(self.column, f'`{self.column}` must hold {self.size} number{"" if self.size == 1 else "s"}, found {len(xs)}')
        for k, x in enumerate(xs):
            if not float32_finite(x):
                why = 'not a number' if math.isnan(x) else "beyond float32's range (±3.4e38)"
                raise BadValue(self.column, f'`{self.column}` item {k + 1} must be a number, {why}')
        return xs

    def encode(self, v, raw):
        """The cell's values: a scalar, or a list (a sequence, a dense vector)."""
        if self.kind == 'id':
            text = self._text(v)
            return self._raw(text) if raw else self._id(text)
        if self.kind == 'seq':
            items = seq_items(v, self.sep)[-self.max_len:] if self.max_len else []
            out = [self._raw(t) if raw else self._id(t) for t in items]
            pad = ('' if not self.hashed else 0) if raw else 0
            return out + [pad] * (self.max_len - len(out))
        if self.kind == 'bucketize':
            x = self._number(v)
            return x if raw else bucket_of(x, self.boundaries)
        if self.kind == 'dense':
            return self._dense(v)
        raise ValueError(f'feature `{self.name}` has kind {self.kind}, which is not an input')

    def padding(self, raw):
        """The value of an empty support slot."""
        if self.kind == 'dense':
            return [0.0] * self.size
        if self.kind == 'id' and raw and not self.hashed:
            return ''
        return 0

    def dtype(self, raw):
        """numpy dtype name of the encoded values."""
        if self.kind == 'dense':
            return 'float32'
        if raw:
            if self.kind == 'bucketize':
                return 'float32'
            return 'int64' if self.hashed else 'object'
        return 'int32'

    def shape(self):
        """Per-sample shape."""
        return [self.max_len] if self.kind == 'seq' else [self.size] if self.kind == 'dense' else []
