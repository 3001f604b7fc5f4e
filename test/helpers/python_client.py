# Driver for test/clients/python-client.test.ts: encodes data files with the Python client
# (clients/python/recc_client) and prints the arrays as JSON.
#   python_client.py CASES.json   (a list of {"model": ONNX path, "data": CSV or JSONL path,
#                                  "per_row": true to encode each row alone})
# Prints a list of {"feeds": {...}, "ids": {...}, "predict": {...} or null, "error": str or null},
# each array as {"dtype", "shape", "data" (flat)}. CSV is read with csv.DictReader (cells stay
# text), JSON Lines with the client's jsonl.parse_record (cells as recc's reader makes them). `predict` runs
# only where onnxruntime imports.
import csv, json, math, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'clients', 'python'))
from recc_client import EncodeError, Model, jsonl  # noqa: E402

try:
    import onnxruntime  # noqa: F401
    HAVE_ORT = True
except ImportError:
    HAVE_ORT = False


def rows_of(path):
    with open(path, encoding='utf-8', newline='') as f:
        if path.endswith('.jsonl'):
            # as the client's README says to read JSON Lines: cells as recc's reader makes them
            return [jsonl.parse_record(line) for line in f if line.strip()]
        return list(csv.DictReader(f))


def arrays(d):
    out = {}
    for k, v in d.items():
        flat = v.reshape(-1)
        data = [str(x) for x in flat] if v.dtype == object else flat.tolist()
        # a non-finite value as text (JSON has none), so the test shows it as a difference
        data = [str(x) if isinstance(x, float) and not math.isfinite(x) else x for x in data]
        out[k] = {'dtype': str(v.dtype), 'shape': list(v.shape), 'data': data}
    return out


def main(cases_file):
    with open(cases_file) as f:
        cases = json.load(f)
    results = []
    for case in cases:
        model = Model(case['model'])
        rows = rows_of(case['data'])
        if case.get('per_row'):
            # each row alone: its serving feeds, or the code and column of its error
            verdicts = []
            for row in rows:
                try:
                    verdicts.append({'feeds': arrays(model.encode([row])), 'ids': arrays(model.encoder.ids([row]))})
                except EncodeError as e:
                    verdicts.append({'code': e.code, 'column': e.column})
            results.append({'rows': verdicts})
            continue
        try:
            r = {'feeds': arrays(model.encode(rows)), 'ids': arrays(model.encoder.ids(rows)), 'error': None}
        except EncodeError as e:
            r = {'feeds': None, 'ids': None, 'error': str(e)}
        r['predict'] = arrays(model.predict(rows, batch_size=97)) if HAVE_ORT and r['error'] is None else None
        results.append(r)
    print(json.dumps({'onnxruntime': HAVE_ORT, 'results': results}))


if __name__ == '__main__':
    main(sys.argv[1])
