"""The metadata_props of an ONNX file (ModelProto field 14), read from the protobuf wire format
directly, so encoding needs neither the onnx package nor onnxruntime. Only the top level of the
ModelProto is walked; the graph and its weights are skipped by their length."""
import mmap

_METADATA_PROPS = 14  # ModelProto.metadata_props: repeated StringStringEntryProto {key = 1, value = 2}


def _varint(buf, pos):
    shift = 0
    value = 0
    while True:
        if pos >= len(buf):
            raise ValueError('truncated varint')
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise ValueError('varint too long')


def _fields(buf, start, end):
    """(field number, wire type, value) of a message's fields; length-delimited values as (start, end)."""
    pos = start
    while pos < end:
        key, pos = _varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = None, pos + 8
        elif wire == 5:
            value, pos = None, pos + 4
        elif wire == 2:
            n, pos = _varint(buf, pos)
            value, pos = (pos, pos + n), pos + n
        else:
            raise ValueError(f'unsupported protobuf wire type {wire}')
        if pos > end:
            raise ValueError('truncated message')
        yield field, wire, value


def metadata_props(path):
    """The model's metadata as a dict of str → str."""
    with open(path, 'rb') as f:
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            out = {}
            for field, wire, value in _fields(buf, 0, len(buf)):
                if field != _METADATA_PROPS or wire != 2:
                    continue
                entry = {}
                for f2, w2, v2 in _fields(buf, value[0], value[1]):
                    if w2 == 2 and f2 in (1, 2):
                        entry[f2] = bytes(buf[v2[0]:v2[1]]).decode('utf-8')
                out[entry.get(1, '')] = entry.get(2, '')
            return out
