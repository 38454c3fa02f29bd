"""Dense vectors: reading them (arrays, base64, hex), checking them, comparing them.

Elasticsearch's ``dense_vector`` holds float (float32), byte (int8) or bit (packed bytes)
elements. This module knows how each element type parses and validates, what each similarity
computes and how it turns into a ``_score``, and how a float32 value reads back (Java's shortest
float repr), so that the field type (:mod:`.fields`), the ``knn`` search and the source fetch
all agree. It imports nothing of the engine but its errors.
"""

from __future__ import annotations

import base64
import binascii
import math
import struct
from collections.abc import Sequence

from .errors import IllegalArgument, ParsingError

ELEMENT_TYPES = ("float", "byte", "bit")
SIMILARITIES = ("l2_norm", "dot_product", "cosine", "max_inner_product")
#: Elasticsearch 9's limits on ``dims``: 4096 elements, or 4096 bytes of bits.
MAX_DIMS = 4096
MAX_DIMS_BIT = 4096 * 8
#: From this many dimensions, a float field's default index type is ``bbq_hnsw``.
BBQ_DIMS_DEFAULT_THRESHOLD = 384
BBQ_MIN_DIMS = 64
#: The most candidates a kNN search may consider per shard.
NUM_CANDIDATES_LIMIT = 10_000


def float32(value: float) -> float:
    """``(float) value``: the nearest float32 (infinite beyond its range)."""
    try:
        single: float = struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)
    return single


def shortest(value: float) -> float:
    """A float32 as Java prints it (``Float.toString``): the shortest decimal that reads back as
    the same float32. ``1.2f`` reads back ``1.2``, not ``1.2000000476837158``."""
    if not math.isfinite(value) or value == 0.0:
        return value
    for digits in range(1, 10):
        text = f"{value:.{digits}g}"
        if float32(float(text)) == value:
            return float(text)
    return value


def java_float_text(value: float) -> str:
    """``Float.toString``: ``1.0``, ``0.5``, ``NaN``, ``Infinity`` (for error messages)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    short = shortest(value)
    if short == int(short) and abs(short) < 1e7:
        return f"{int(short)}.0"
    return repr(short)


# Parsing


def decode_base64(text: str) -> bytes:
    """Java's ``Base64.getDecoder()``: the standard alphabet, padding optional."""
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        bad = next((c for c in text if not (c.isalnum() or c in "+/=")), None)
        if bad is not None:
            raise IllegalArgument(f"Illegal base64 character {ord(bad):x}") from None
        raise IllegalArgument("Input byte array has incorrect ending byte") from None


def decode_hex(text: str) -> bytes:
    """Java's ``HexFormat.parseHex``."""
    if len(text) % 2:
        raise IllegalArgument(f"string length not even: {len(text)}")
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise IllegalArgument(f"both characters must be hex digits: {text}") from None


def signed(data: bytes) -> list[int]:
    """Bytes as Java's signed ``byte`` values."""
    return [b - 256 if b > 127 else b for b in data]


def floats_from_bytes(data: bytes, dims: int | None) -> list[float]:
    """Base64-decoded floats: big-endian float32s, or bfloat16s when the length says so."""
    if dims is None:
        if len(data) % 4:
            raise ParsingError(
                f"Failed to parse object: Base64 decoded vector byte length [{len(data)}] is not "
                "a multiple of [4]"
            )
        dims = len(data) // 4
    if len(data) == dims * 4:
        return [float(v) for v in struct.unpack(f">{dims}f", data)]
    if len(data) == dims * 2:  # bfloat16: the upper half of a float32
        return [
            struct.unpack(">f", data[i : i + 2] + b"\x00\x00")[0] for i in range(0, len(data), 2)
        ]
    raise ParsingError(
        f"Failed to parse object: Base64 decoded vector byte length [{len(data)}] does not match "
        f"the expected length of [{dims * 4}] or [{dims * 2}] for dimension count [{dims}]"
    )


def bytes_from_string(text: str, dims: int | None) -> bytes:
    """A byte or bit vector given as a string: hex when its length fits ``dims`` bytes, else
    base64, each falling back on the other, as Elasticsearch tries them."""
    first, second = (
        (decode_hex, decode_base64) if dims is not None and len(text) == dims * 2 else
        (decode_base64, decode_hex)
    )  # fmt: skip
    try:
        return first(text)
    except IllegalArgument:
        return second(text)


def preview(vector: Sequence[float | int], element_type: str) -> str:
    """Elasticsearch's `` Preview of invalid vector: [...]`` (its first five elements)."""
    shown = [java_float_text(v) if element_type == "float" else str(int(v)) for v in vector[:5]]
    more = ", ..." if len(vector) >= 5 else ""
    return f" Preview of invalid vector: [{', '.join(shown)}{more}]"


def check_floats(vector: list[float], element_type: str = "float") -> None:
    """NaN and infinite values, which no element type takes."""
    for index, value in enumerate(vector):
        if math.isnan(value):
            raise IllegalArgument(
                f"element_type [{element_type}] vectors do not support NaN values but found "
                f"[NaN] at dim [{index}];" + preview(vector, "float")
            )
        if math.isinf(value):
            raise IllegalArgument(
                f"element_type [{element_type}] vectors do not support infinite values but found "
                f"[{java_float_text(value)}] at dim [{index}];" + preview(vector, "float")
            )


def check_bytes(vector: list[float], element_type: str) -> list[int]:
    """Byte (and bit) elements: whole numbers in [-128, 127]."""
    check_floats(vector, element_type)
    for index, value in enumerate(vector):
        if value % 1.0 != 0.0:
            raise IllegalArgument(
                f"element_type [{element_type}] vectors only support non-decimal values but "
                f"found decimal value [{java_float_text(float32(value))}] at dim [{index}];"
                + preview(vector, "float")
            )
        if not -128 <= value <= 127:
            raise IllegalArgument(
                f"element_type [{element_type}] vectors only support integers between "
                f"[-128, 127] but found [{int(value)}] at dim [{index}];" + preview(vector, "float")
            )
    return [int(v) for v in vector]


def check_magnitude(vector: Sequence[float], element_type: str, similarity: str | None) -> None:
    """dot_product takes only unit-length float vectors; cosine no zero vector."""
    if element_type == "bit" or similarity is None:
        return
    squared = float32(math.fsum(float(v) * float(v) for v in vector))
    if element_type == "float" and not math.isfinite(squared):
        raise IllegalArgument(
            "NaN or Infinite magnitude detected, this usually means the vector values are too "
            "extreme to fit within a float." + preview(vector, element_type)
        )
    if similarity == "dot_product" and element_type == "float" and abs(squared - 1.0) >= 1e-3:
        raise IllegalArgument(
            "The [dot_product] similarity can only be used with unit-length vectors."
            + preview(vector, element_type)
        )
    if similarity == "cosine" and squared == 0.0:
        raise IllegalArgument(
            "The [cosine] similarity does not support vectors with zero magnitude."
            + preview(vector, element_type)
        )


# Comparing


def dot(a: Sequence[float], b: Sequence[float]) -> float:
    return math.fsum(x * y for x, y in zip(a, b, strict=True))


def l1(a: Sequence[float], b: Sequence[float]) -> float:
    return math.fsum(abs(x - y) for x, y in zip(a, b, strict=True))


def l2(a: Sequence[float], b: Sequence[float]) -> float:
    return math.sqrt(math.fsum((x - y) * (x - y) for x, y in zip(a, b, strict=True)))


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    norms = math.sqrt(dot(a, a)) * math.sqrt(dot(b, b))
    return dot(a, b) / norms if norms else 0.0


def hamming(a: Sequence[int], b: Sequence[int]) -> int:
    return sum(bin((x ^ y) & 0xFF).count("1") for x, y in zip(a, b, strict=True))


def score(
    similarity: str, element_type: str, query: Sequence[float], doc: Sequence[float]
) -> float:
    """A document's kNN ``_score`` for its vector, as Elasticsearch's similarities scale them
    (always positive, higher is closer)."""
    if element_type == "bit":
        bits = len(doc) * 8
        return float32((bits - hamming([int(v) for v in query], [int(v) for v in doc])) / bits)
    if similarity == "l2_norm":
        squared = math.fsum((x - y) * (x - y) for x, y in zip(query, doc, strict=True))
        return float32(1.0 / (1.0 + float32(squared)))
    if similarity == "cosine":
        return float32(max((1.0 + cosine(query, doc)) / 2.0, 0.0))
    if similarity == "dot_product":
        if element_type == "byte":
            return float32(0.5 + dot(query, doc) / (len(doc) * (1 << 15)))
        return float32(max((1.0 + dot(query, doc)) / 2.0, 0.0))
    product = float32(dot(query, doc))  # max_inner_product
    return float32(1.0 / (1.0 - product) if product < 0 else product + 1.0)


def threshold(similarity: str, element_type: str, dims: int, value: float) -> float:
    """The ``_score`` a kNN ``similarity`` threshold (a raw similarity, or a distance for
    l2_norm) stands for: documents scoring at least this match."""
    value = float32(value)
    if element_type == "bit":
        return float32((dims - value) / dims)
    if similarity == "l2_norm":
        return float32(1.0 / (1.0 + value * value))
    if similarity == "dot_product" and element_type == "byte":
        return float32(0.5 + value / (dims * (1 << 15)))
    if similarity in ("cosine", "dot_product"):
        return float32((1.0 + value) / 2.0)
    return float32(1.0 / (1.0 - value) if value < 0 else value + 1.0)
