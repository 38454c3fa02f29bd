"""What search scripts (``script_score``) see: ``doc`` and its values, and the vector
functions Elasticsearch's score scripts provide (``cosineSimilarity``, ``dotProduct``,
``l1norm``, ``l2norm``, ``hamming``), with Elasticsearch's results and errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .. import vectors
from .errors import Fault, cast_fault, iae
from .frame import CTX
from .values import NUMBERS, DocMap, DocValues

NO_VALUE = (
    "A document doesn't have a value for a field! Use doc[<field>].size()==0 to check if a "
    "document is missing a field!"
)


def doc_field(doc: DocMap, name: Any) -> DocValues:
    """``doc['name']``."""
    found = doc.fields.get(name) if isinstance(name, str) else None
    if found is None:
        raise iae(f"No field found for [{name}] in mapping")
    if found.error is not None:
        raise iae(found.error)
    return found


def _value(values: DocValues) -> Any:
    if values.vector:
        raise iae(
            "accessing a vector field's value through 'get' or 'value' is not supported, use "
            "'vectorValue' or 'magnitude' instead."
        )
    if not values.values:
        raise Fault("illegal_state_exception", NO_VALUE)
    return values.values[0]


def _get(values: DocValues, index: Any) -> Any:
    if values.vector:
        return _value(values)
    if type(index) is not int:
        raise cast_fault(index, "int")
    if not 0 <= index < len(values.values):
        raise Fault(
            "index_out_of_bounds_exception",
            f"Index {index} out of bounds for length {len(values.values)}",
        )
    return values.values[index]


def _vector(values: DocValues) -> list[Any]:
    if not values.vector:
        raise iae(f"Field [{values.field}] is not a dense_vector field")
    if not values.values:
        raise iae("A document doesn't have a value for a vector field!")
    vector: list[Any] = values.values[0]
    return vector


def _magnitude(values: DocValues) -> float:
    vector = _vector(values)
    return vectors.float32(math.sqrt(vectors.dot(vector, vector)))


DOC_VALUES_GETTERS: dict[str, Callable[[DocValues], Any]] = {
    "value": _value,
    "empty": lambda v: not v.values,
    "length": lambda v: len(v.values),
    "vectorValue": _vector,
    "magnitude": _magnitude,
}

DOC_VALUES_METHODS: dict[tuple[str, int], Callable[..., Any]] = {
    ("size", 0): lambda v: len(v.values),
    ("isEmpty", 0): lambda v: not v.values,
    ("getValue", 0): _value,
    ("get", 1): _get,
    ("getLength", 0): lambda v: len(v.values),
    ("getVectorValue", 0): _vector,
    ("getMagnitude", 0): _magnitude,
    ("contains", 1): lambda v, item: item in v.values,
}

DOC_MAP_METHODS: dict[tuple[str, int], Callable[..., Any]] = {
    ("get", 1): doc_field,
    ("containsKey", 1): lambda d, name: name in d.fields,
    ("size", 0): lambda d: len(d.fields),
}


# The vector functions


def _operands(frame: list[Any], query: Any, field: Any) -> tuple[list[float], list[Any], DocValues]:
    values = field if isinstance(field, DocValues) else doc_field(frame[CTX], field)
    if type(query) is not list or any(type(v) not in NUMBERS for v in query):
        raise cast_fault(query, "java.util.List")
    vector = _vector(values)
    dims = len(vector) * 8 if values.vector == "bit" else len(vector)
    given = len(query) * 8 if values.vector == "bit" else len(query)
    if given != dims:
        raise iae(
            f"The query vector has a different number of dimensions [{len(query)}] than the "
            f"document vectors [{len(vector)}]."
        )
    return [float(v) for v in query], vector, values


def _no_bits(values: DocValues, function: str) -> None:
    if values.vector == "bit":
        raise iae(f"{function} is not supported by the djangoes embedded engine for bit vectors")


def cosine_similarity(frame: list[Any], query: Any, field: Any) -> float:
    q, v, values = _operands(frame, query, field)
    _no_bits(values, "cosineSimilarity")
    return vectors.float32(vectors.cosine(q, v))


def dot_product(frame: list[Any], query: Any, field: Any) -> float:
    q, v, values = _operands(frame, query, field)
    _no_bits(values, "dotProduct")
    return vectors.float32(vectors.dot(q, v))


def l1_norm(frame: list[Any], query: Any, field: Any) -> float:
    q, v, values = _operands(frame, query, field)
    if values.vector == "bit":
        return float(vectors.hamming([int(x) for x in q], v))
    return vectors.float32(vectors.l1(q, v))


def l2_norm(frame: list[Any], query: Any, field: Any) -> float:
    q, v, values = _operands(frame, query, field)
    if values.vector == "bit":
        return vectors.float32(math.sqrt(vectors.hamming([int(x) for x in q], v)))
    return vectors.float32(vectors.l2(q, v))


def hamming(frame: list[Any], query: Any, field: Any) -> int:
    q, v, values = _operands(frame, query, field)
    if values.vector == "float":
        raise iae("hamming distance is only supported for byte or bit vectors")
    return vectors.hamming([int(x) for x in q], v)


SCORE_FUNCTIONS: dict[tuple[str, int], Callable[..., Any]] = {
    ("cosineSimilarity", 2): cosine_similarity,
    ("dotProduct", 2): dot_product,
    ("l1norm", 2): l1_norm,
    ("l2norm", 2): l2_norm,
    ("hamming", 2): hamming,
}
