"""The metadata reader on hand-made protobuf bytes, and Model.predict's batching with a stub
session (onnxruntime itself is exercised by test/clients/python-client.test.ts where it imports)."""
import json
import os
import tempfile
import unittest

import numpy as np

from recc_client import Model, metadata_props


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number, wire, payload):
    key = varint(number << 3 | wire)
    return key + (varint(len(payload)) + payload if wire == 2 else payload)


def entry(key, value):
    return field(14, 2, field(1, 2, key.encode()) + field(2, 2, value.encode()))


FEATURES = [{'kind': 'id', 'name': 'u', 'column': 'u', 'source': {'kind': 'hash', 'buckets': 10}, 'dim': 4, 'table': 't', 'rows': 11},
            {'kind': 'dense', 'name': 'x', 'column': 'x', 'size': 2}, {'kind': 'label', 'name': 'y', 'column': 'y'}]
TASKS = [{'name': 'click', 'kind': 'binary', 'classes': 1}, {'name': 'genre', 'kind': 'multiclass', 'classes': 3}]


def model_file(extra=b''):
    # ir_version (1, varint), a graph (7) to skip, producer_name (2), then the metadata
    body = field(1, 0, varint(8)) + field(7, 2, b'\x0a\x03abc' * 50) + field(2, 2, b'recc') + entry('recc.features', json.dumps(FEATURES)) + entry('recc.tasks', json.dumps(TASKS)) + entry('ünï', 'cödé') + extra
    f = tempfile.NamedTemporaryFile(suffix='.onnx', delete=False)
    f.write(body)
    f.close()
    return f.name


class StubSession:
    """Outputs computed from the feeds, recording each batch's size."""

    def __init__(self):
        self.batches = []

    def run(self, names, feeds):
        self.batches.append(len(feeds['u']))
        click = feeds['u'].astype('float32')[:, None] / 10
        genre = np.repeat(feeds['x'][:, :1], 3, axis=1) + np.arange(3, dtype='float32')
        return [{'click': click, 'genre': genre}[n] for n in names]


class ModelTests(unittest.TestCase):
    def setUp(self):
        self.path = model_file()

    def tearDown(self):
        os.unlink(self.path)

    def test_meta_onnx_is_refused(self):
        # LiMAML's meta.onnx takes a task's rows (support.*), which the client does not build
        path = model_file(entry('recc.meta_adapt', '1 SGD step(s)'))
        try:
            with self.assertRaisesRegex(ValueError, 'recc meta-embed'):
                Model(path)
        finally:
            os.unlink(path)

    def test_metadata(self):
        meta = metadata_props(self.path)
        self.assertEqual(json.loads(meta['recc.features']), FEATURES)
        self.assertEqual(meta['ünï'], 'cödé')

    def test_predict_batches_and_shapes(self):
        stub = StubSession()
        m = Model(self.path, session=stub)
        rows = [{'u': str(i), 'x': f'{i},0'} for i in range(10)]
        out = m.predict(rows, batch_size=4)
        self.assertEqual(stub.batches, [4, 4, 2])
        ids = m.encode(rows)['u']
        self.assertEqual(out['click'].shape, (10,))
        np.testing.assert_array_equal(out['click'], ids.astype('float32') / 10)
        self.assertEqual(out['genre'].shape, (10, 3))
        np.testing.assert_array_equal(out['genre'][:, 2], np.arange(10, dtype='float32') + 2)

    def test_bad_rows_name_row_and_column(self):
        m = Model(self.path, session=StubSession())
        with self.assertRaisesRegex(ValueError, r'row 2 \(column x\): error\[REC6002\]: `x` must hold 2 numbers, found 1'):
            m.encode([{'u': 'a', 'x': '1,2'}, {'u': 'b', 'x': '1'}])
        with self.assertRaisesRegex(ValueError, r'row 1 \(column u\): error\[REC6001\]: missing column `u`'):
            m.encode([{'x': '1,2'}])


if __name__ == '__main__':
    unittest.main()
