"""The stable hash of hashed ids (recc's src/data/hash.ts, part of its serving contract).

hash_bucket(value, N) = 1 + (FNV-1a-32(UTF-8 bytes of value) mod N), in 1..N; 0 is padding.

Text is taken as JavaScript sees it (UTF-16): a surrogate pair held as two code points is one
character, and a lone surrogate is encoded as U+FFFD (EF BF BD), as TextEncoder does.
"""

_OFFSET = 0x811C9DC5
_PRIME = 0x01000193


def utf8_bytes(value):
    try:
        return value.encode('utf-8')
    except UnicodeEncodeError:
        # surrogates: pair them up through UTF-16, replace the lone ones
        return value.encode('utf-16-le', 'surrogatepass').decode('utf-16-le', 'replace').encode('utf-8')


def fnv1a32(value):
    h = _OFFSET
    for b in utf8_bytes(value):
        h = ((h ^ b) * _PRIME) & 0xFFFFFFFF
    return h


def hash_bucket(value, buckets):
    return 1 + fnv1a32(value) % buckets
