"""The syntax tree the parser builds and the compiler reads.

Every node records ``pos``, the offset an error at the node points to in ``script_stack``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True, eq=False)
class Lit:
    pos: int
    value: Any


@dataclass(slots=True, eq=False)
class Name:
    pos: int
    name: str


@dataclass(slots=True, eq=False)
class Field:
    pos: int
    obj: Any
    name: str
    nullsafe: bool


@dataclass(slots=True, eq=False)
class Index:
    pos: int
    obj: Any
    key: Any


@dataclass(slots=True, eq=False)
class Call:
    pos: int
    obj: Any
    name: str
    args: list[Any]
    nullsafe: bool


@dataclass(slots=True, eq=False)
class FunctionCall:
    """A call of a function the script's context provides (``cosineSimilarity(...)``)."""

    pos: int
    name: str
    args: list[Any]


@dataclass(slots=True, eq=False)
class StaticCall:
    pos: int
    cls: str
    name: str
    args: list[Any]


@dataclass(slots=True, eq=False)
class StaticField:
    pos: int
    cls: str
    name: str


@dataclass(slots=True, eq=False)
class New:
    pos: int
    cls: str
    args: list[Any]


@dataclass(slots=True, eq=False)
class ListInit:
    pos: int
    items: list[Any]


@dataclass(slots=True, eq=False)
class MapInit:
    pos: int
    pairs: list[tuple[Any, Any]]


@dataclass(slots=True, eq=False)
class Unary:
    pos: int
    op: str
    operand: Any


@dataclass(slots=True, eq=False)
class Binary:
    pos: int
    op: str
    left: Any
    right: Any


@dataclass(slots=True, eq=False)
class Logic:
    pos: int
    op: str
    left: Any
    right: Any


@dataclass(slots=True, eq=False)
class Ternary:
    pos: int
    cond: Any
    then: Any
    other: Any


@dataclass(slots=True, eq=False)
class Elvis:
    pos: int
    left: Any
    right: Any


@dataclass(slots=True, eq=False)
class Assign:
    pos: int
    op: str  # "=" or a compound operator such as "+="
    target: Any
    value: Any


@dataclass(slots=True, eq=False)
class Step:
    pos: int
    op: str  # "++" or "--"
    target: Any
    prefix: bool


@dataclass(slots=True, eq=False)
class Cast:
    pos: int
    type: str
    operand: Any


@dataclass(slots=True, eq=False)
class InstanceOf:
    pos: int
    operand: Any
    type: str


@dataclass(slots=True, eq=False)
class ExprStmt:
    pos: int
    expr: Any


@dataclass(slots=True, eq=False)
class Decl:
    pos: int
    type: str
    vars: list[tuple[str, int, Any, int]]  # name, its position, initializer, its position


@dataclass(slots=True, eq=False)
class If:
    pos: int
    cond: Any
    then: Any
    other: Any


@dataclass(slots=True, eq=False)
class While:
    pos: int
    cond: Any
    body: Any


@dataclass(slots=True, eq=False)
class DoWhile:
    pos: int
    body: Any
    cond: Any


@dataclass(slots=True, eq=False)
class For:
    pos: int
    init: Any
    cond: Any
    update: Any
    body: Any


@dataclass(slots=True, eq=False)
class ForEach:
    pos: int
    type: str
    name: str
    name_pos: int
    iterable: Any
    body: Any


@dataclass(slots=True, eq=False)
class Return:
    pos: int
    value: Any


@dataclass(slots=True, eq=False)
class Break:
    pos: int


@dataclass(slots=True, eq=False)
class Continue:
    pos: int


@dataclass(slots=True, eq=False)
class Block:
    pos: int
    stmts: list[Any]


@dataclass(slots=True, eq=False)
class Empty:
    pos: int


def start_of(node: Any) -> int:
    """Where the source text of an expression begins."""
    while True:
        if isinstance(node, (Field, Index, Call)):
            node = node.obj
        elif isinstance(node, (Assign, Step)):
            node = node.target
        else:
            return int(node.pos)
