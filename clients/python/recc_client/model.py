"""A recc ONNX model with its encoder, and predictions through onnxruntime."""
import json

import numpy as np

from .encoder import Encoder
from .onnx_metadata import metadata_props


class Model:
    """A model compiled by recc (``recc compile -o model.onnx`` or ``recc train``'s model.onnx).

    ``encode(rows)`` gives the graph's inputs; ``predict(rows)`` runs them through onnxruntime and
    returns one array per task: probabilities for binary tasks, values for regression ([n] each),
    class probabilities for multiclass tasks ([n, classes]).
    """

    def __init__(self, path, vocabularies=None, session=None, providers=None, session_options=None):
        self.path = str(path)
        self.metadata = metadata_props(self.path)
        if 'recc.features' not in self.metadata:
            raise ValueError(f'{self.path}: no recc metadata (recc.features): was it written by recc?')
        if 'recc.meta_adapt' in self.metadata:
            # its support.* inputs are a task's rows, which this client does not build: refused,
            # rather than feeds without support.mask and the labels (found by a probe)
            raise ValueError(f'{self.path}: a LiMAML adapt-and-embed model (meta.onnx) takes a task\'s rows, which this client does not encode: '
                             'compute the meta embeddings with `recc meta-embed`, and serve global.onnx with them')
        self.encoder = Encoder.from_metadata(self.metadata, vocabularies)
        self.tasks = json.loads(self.metadata.get('recc.tasks', '[]'))
        self._session = session
        self._providers = providers
        self._session_options = session_options

    @property
    def session(self):
        """The onnxruntime session, created on first use (encoding alone needs only numpy)."""
        if self._session is None:
            import onnxruntime  # imported here: encoding does not need it

            self._session = onnxruntime.InferenceSession(self.path, sess_options=self._session_options, providers=self._providers or ['CPUExecutionProvider'])
        return self._session

    def encode(self, rows, supports=None):
        return self.encoder.feeds(rows, supports)

    def predict(self, rows, supports=None, batch_size=4096):
        """Per task, the model's output for each row (see the class doc), in batches."""
        feeds = self.encode(rows, supports)
        n = len(next(iter(feeds.values()))) if feeds else 0
        names = [t['name'] for t in self.tasks]
        parts = {name: [] for name in names}
        for start in range(0, n, batch_size):
            batch = {k: v[start:start + batch_size] for k, v in feeds.items()}
            for name, value in zip(names, self.session.run(names, batch)):
                parts[name].append(np.asarray(value))
        out = {}
        for t in self.tasks:
            value = np.concatenate(parts[t['name']]) if parts[t['name']] else np.zeros((0, t['classes']), dtype='float32')
            out[t['name']] = value[:, 0] if t['classes'] == 1 else value
        return out
