"""recc's Python client: rows → the inputs of a recc ONNX model, and predictions.

    from recc_client import Model
    model = Model("runs/poso_movielens/model.onnx")
    feeds = model.encode(rows)        # numpy arrays by input name (numpy only)
    scores = model.predict(rows)      # needs onnxruntime: {task: probabilities / values}

Rows are mappings from column name to cell (csv.DictReader rows, or JSON Lines records read by
jsonl.parse_record, which makes the cells recc's reader makes).
"""
from . import jsonl
from .encoder import Encoder
from .features import EncodeError
from .fnv import fnv1a32, hash_bucket
from .label_expr import LabelError, eval_label
from .model import Model
from .onnx_metadata import metadata_props

__all__ = ['Encoder', 'EncodeError', 'LabelError', 'Model', 'eval_label', 'fnv1a32', 'hash_bucket', 'jsonl', 'metadata_props']
