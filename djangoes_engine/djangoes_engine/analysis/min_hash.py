"""The ``min_hash`` token filter: Lucene's MinHashFilter, which replaces a document's tokens
(typically shingles) by the smallest of their 128-bit hashes, for locality-sensitive hashing.

Written from MinHashFilter's documented behaviour: each term is hashed with MurmurHash3
x64_128 (seed 0) over its UTF-16LE bytes; hash ``i`` of ``hash_count`` is that hash combined
(``h * 37 + g``, per 64-bit half) with the MurmurHash3 of ``i``'s four big-endian bytes; the
high half's top 32 bits pick one of ``bucket_count`` buckets, each keeping its
``hash_set_size`` smallest hashes (ordered by the unsigned high half, then the low half). With
``with_rotation`` and one hash per bucket an empty bucket takes the next non-empty bucket's
hash. Each kept hash becomes one token of 8 UTF-16 code units (the hash number's two, when
there are several hashes, then the high half's four and the low half's first two, or its four
when there is one hash), type ``MIN_HASH``, all at the first position, offsets 0 to the last
token's end.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Mapping
from functools import cache
from typing import Any

from ..errors import IllegalArgument
from .conf import _bool, _int
from .filters import _Filter
from .tokens import _Tok

_MASK = (1 << 64) - 1
_C1 = 0x87C37B91114253D5
_C2 = 0x4CF5AD432745937F


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (64 - r))) & _MASK


def _fmix(k: int) -> int:
    k ^= k >> 33
    k = (k * 0xFF51AFD7ED558CCD) & _MASK
    k ^= k >> 33
    k = (k * 0xC4CEB9FE1A85EC53) & _MASK
    return k ^ (k >> 33)


def murmur3_x64_128(data: bytes) -> tuple[int, int]:
    """MurmurHash3 x64_128 with seed 0, as two unsigned 64-bit halves (h1, h2)."""
    h1 = h2 = 0
    length = len(data)
    whole = length - length % 16
    for i in range(0, whole, 16):
        k1, k2 = struct.unpack_from("<QQ", data, i)
        k1 = (_rotl((k1 * _C1) & _MASK, 31) * _C2) & _MASK
        h1 ^= k1
        h1 = (_rotl(h1, 27) + h2) & _MASK
        h1 = (h1 * 5 + 0x52DCE729) & _MASK
        k2 = (_rotl((k2 * _C2) & _MASK, 33) * _C1) & _MASK
        h2 ^= k2
        h2 = (_rotl(h2, 31) + h1) & _MASK
        h2 = (h2 * 5 + 0x38495AB5) & _MASK
    tail = data[whole:]
    if len(tail) > 8:
        k2 = int.from_bytes(tail[8:], "little")
        h2 ^= (_rotl((k2 * _C2) & _MASK, 33) * _C1) & _MASK
    if tail:
        k1 = int.from_bytes(tail[:8], "little")
        h1 ^= (_rotl((k1 * _C1) & _MASK, 31) * _C2) & _MASK
    h1 ^= length
    h2 ^= length
    h1 = (h1 + h2) & _MASK
    h2 = (h2 + h1) & _MASK
    h1, h2 = _fmix(h1), _fmix(h2)
    h1 = (h1 + h2) & _MASK
    h2 = (h2 + h1) & _MASK
    return h1, h2


@cache
def _hash_seed(i: int) -> tuple[int, int]:
    return murmur3_x64_128(i.to_bytes(4, "big"))


# Lucene writes the terms to the index as UTF-8, an unpaired surrogate as U+FFFD.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _term(units: list[int]) -> str:
    text = struct.pack(f">{len(units)}H", *units).decode("utf-16-be", "surrogatepass")
    return _LONE_SURROGATE.sub("\ufffd", text)


class _MinHash(_Filter):
    def __init__(self, name: str, conf: Mapping[str, Any]) -> None:
        super().__init__(name)
        self.hash_count = _int(conf, "hash_count", 1)
        self.bucket_count = _int(conf, "bucket_count", 512)
        self.set_size = _int(conf, "hash_set_size", 1)
        self.rotation = _bool(conf, "with_rotation", self.bucket_count > 1)

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        # Lucene checks its settings when it builds the stream, so at analysis time.
        for value, what in (
            (self.hash_count, "hashCount"),
            (self.bucket_count, "bucketCount"),
            (self.set_size, "hashSetSize"),
        ):
            if value <= 0:
                raise IllegalArgument(f"{what} must be greater than zero")
        if not toks:
            return []
        bucket_size = -(-(1 << 32) // self.bucket_count)
        # buckets[i][b]: the kept hashes, as (high, low) so tuples order as Lucene's LongPair.
        buckets: list[list[set[tuple[int, int]]]] = [
            [set() for _ in range(self.bucket_count)] for _ in range(self.hash_count)
        ]
        for tok in toks:
            low, high = murmur3_x64_128(tok[0].encode("utf-16-le"))
            for i in range(self.hash_count):
                seed_low, seed_high = _hash_seed(i)
                key = ((high * 37 + seed_high) & _MASK, (low * 37 + seed_low) & _MASK)
                kept = buckets[i][(key[0] >> 32) // bucket_size]
                if key in kept:
                    continue
                if len(kept) >= self.set_size:
                    largest = max(kept)
                    if key >= largest:
                        continue
                    kept.discard(largest)
                kept.add(key)
        if self.rotation and self.set_size == 1:
            for per_hash in buckets:
                for b, kept in enumerate(per_hash):
                    if kept:
                        continue
                    for step in range(1, self.bucket_count):
                        other = per_hash[(b + step) % self.bucket_count]
                        if other:
                            kept.add(min(other))
                            break
        end = toks[-1][3]
        out: list[_Tok] = []
        for i, per_hash in enumerate(buckets):
            prefix = [i >> 16 & 0xFFFF, i & 0xFFFF] if self.hash_count > 1 else []
            for kept in per_hash:
                for high, low in sorted(kept):
                    units = prefix + [high >> s & 0xFFFF for s in (48, 32, 16, 0)]
                    units += [low >> s & 0xFFFF for s in (48, 32, 16, 0)][: 2 if prefix else 4]
                    out.append((_term(units), 0, 0, end, "MIN_HASH", False))
        return out
