"""``simple_query_string``'s grammar: Lucene's ``SimpleQueryParser``, building DSL as it reads.

It never fails: what it cannot use is skipped, and operators are read left to right (a change of
operator wraps what came before).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...errors import IllegalArgument, ParsingError
from .dsl import MUST, SHOULD, Leaves
from .options import JAVA_BLANK, MAX_DEPTH

_FLAG_AND, _FLAG_NOT, _FLAG_OR, _FLAG_PREFIX = 1, 2, 4, 8
_FLAG_PHRASE, _FLAG_PRECEDENCE, _FLAG_ESCAPE, _FLAG_WHITESPACE = 16, 32, 64, 128
_FLAG_FUZZY, _FLAG_NEAR = 256, 512
_FLAGS = {
    "ALL": -1,
    "NONE": 0,
    "AND": _FLAG_AND,
    "NOT": _FLAG_NOT,
    "OR": _FLAG_OR,
    "PREFIX": _FLAG_PREFIX,
    "PHRASE": _FLAG_PHRASE,
    "PRECEDENCE": _FLAG_PRECEDENCE,
    "ESCAPE": _FLAG_ESCAPE,
    "WHITESPACE": _FLAG_WHITESPACE,
    "FUZZY": _FLAG_FUZZY,
    "NEAR": _FLAG_NEAR,
    "SLOP": _FLAG_NEAR,
}
_SIMPLE_BLANKS = frozenset(" \t\n\r")


def simple_flags(value: Any) -> int:
    """``flags``: ``ALL``, ``NONE``, ``AND|OR|...`` or the bit mask as a number."""
    if value is None:
        return -1
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise ParsingError(f"[simple_query_string] failed to parse field [flags]: [{value}]")
    if not value:
        return -1
    flags = 0
    for part in value.split("|"):
        if not part:
            continue
        name = part.upper()
        if name not in _FLAGS:
            raise IllegalArgument(f"Unknown simple_query_string flag [{part}]")
        if name in ("ALL", "NONE"):
            return _FLAGS[name]
        flags |= _FLAGS[name]
    return flags


@dataclass
class _Group:
    """A boolean query being built, clause by clause."""

    clauses: list[tuple[str, Any]]


def _simple_dsl(node: dict[str, Any] | _Group) -> dict[str, Any]:
    if isinstance(node, dict):
        return node
    body: dict[str, list[dict[str, Any]]] = {}
    for occur, child in node.clauses:
        body.setdefault(occur, []).append(_simple_dsl(child))
    return {"bool": body}


@dataclass
class _SimpleState:
    """The position and pending operators while reading one (sub-)query."""

    text: str
    index: int
    end: int
    flags: int
    top: dict[str, Any] | _Group | None = None
    current: str | None = None
    previous: str | None = None
    negations: int = 0

    def has(self, flag: int) -> bool:
        return bool(self.flags & flag)

    def finishes_token(self, char: str) -> bool:
        """Whether ``char`` ends a word: an operator or blank enabled by the flags."""
        return (
            (char == '"' and self.has(_FLAG_PHRASE))
            or (char == "|" and self.has(_FLAG_OR))
            or (char == "+" and self.has(_FLAG_AND))
            or (char in "()" and self.has(_FLAG_PRECEDENCE))
            or (char in _SIMPLE_BLANKS and self.has(_FLAG_WHITESPACE))
        )


class SimpleParser:
    """Lucene's ``SimpleQueryParser``: forgiving, left to right, never an error."""

    def __init__(self, leaves: Leaves, *, default_and: bool) -> None:
        self.leaves = leaves
        self.default_occur = MUST if default_and else SHOULD

    def parse(self, text: str, flags: int) -> dict[str, Any] | None:
        if text.strip(JAVA_BLANK) == "*":
            return {"match_all": {}}
        top = self._parse(text, 0, len(text), flags, 0)
        return None if top is None else _simple_dsl(top)

    def _parse(
        self, text: str, start: int, end: int, flags: int, depth: int
    ) -> dict[str, Any] | _Group | None:
        if depth >= MAX_DEPTH:
            flags &= ~_FLAG_PRECEDENCE  # deeper parentheses are read as plain characters
        state = _SimpleState(text, start, end, flags)
        while state.index < end:
            char = text[state.index]
            if char == "(" and state.has(_FLAG_PRECEDENCE):
                self._sub_query(state, depth)
            elif char == ")" and state.has(_FLAG_PRECEDENCE):
                state.index += 1  # unbalanced: ignored
            elif char == '"' and state.has(_FLAG_PHRASE):
                self._phrase(state)
            elif char == "+" and state.has(_FLAG_AND):
                self._operator(state, MUST)
            elif char == "|" and state.has(_FLAG_OR):
                self._operator(state, SHOULD)
            elif char == "-" and state.has(_FLAG_NOT):
                state.negations += 1  # kept for the next word; two negations cancel out
                state.index += 1
                continue
            elif char in _SIMPLE_BLANKS and state.has(_FLAG_WHITESPACE):
                state.index += 1
            else:
                self._word(state)
            state.negations = 0
        return state.top

    def _operator(self, state: _SimpleState, occur: str) -> None:
        """An explicit operator counts only between two clauses, and only the first one."""
        if state.current is None and state.top is not None:
            state.current = occur
        state.index += 1

    def _sub_query(self, state: _SimpleState, depth: int) -> None:
        text, start = state.text, state.index + 1
        index, level, escaped = start, 1, False
        while index < state.end:
            char = text[index]
            if not escaped:
                if char == "\\" and state.has(_FLAG_ESCAPE):
                    escaped = True
                    index += 1
                    continue
                if char == "(":
                    level += 1
                elif char == ")":
                    level -= 1
                    if level == 0:
                        break
            escaped = False
            index += 1
        if index == state.end:  # never closed: the "(" is ignored
            state.index = start
        elif index == start:  # "()": nothing to apply the pending operator to
            state.current = None
            state.index = index + 1
        else:
            self._attach(state, self._parse(text, start, index, state.flags, depth + 1))
            state.index = index + 1

    def _phrase(self, state: _SimpleState) -> None:
        text, start = state.text, state.index + 1
        index, chars, escaped, has_slop = start, [], False, False
        while index < state.end:
            char = text[index]
            if not escaped:
                if char == "\\" and state.has(_FLAG_ESCAPE):
                    escaped = True
                    index += 1
                    continue
                if char == '"':
                    if index + 1 < state.end and text[index + 1] == "~" and state.has(_FLAG_NEAR):
                        index += 1
                        has_slop = index + 1 < state.end
                    break
            escaped = False
            chars.append(char)
            index += 1
        if index == state.end:  # never closed: the quote is ignored
            state.index = start
            return
        if index == start:  # ""
            state.current = None
            state.index = index + 1
            return
        state.index = index
        slop = self._distance(state) if has_slop else 0
        self._attach(state, self.leaves.text(None, "".join(chars), "phrase", slop=slop))
        state.index += 1  # past the closing quote, or past what ended the slop (as Lucene)

    def _word(self, state: _SimpleState) -> None:
        chars: list[str] = []
        escaped = prefix = fuzzy = False
        while state.index < state.end:
            char = state.text[state.index]
            if not escaped:
                if char == "\\" and state.has(_FLAG_ESCAPE):
                    escaped = True
                    prefix = False
                    state.index += 1
                    continue
                if state.finishes_token(char):
                    break
                if chars and char == "~" and state.has(_FLAG_FUZZY):
                    fuzzy = True
                    break
                prefix = bool(chars) and char == "*" and state.has(_FLAG_PREFIX)
            escaped = False
            chars.append(char)
            state.index += 1
        if not chars:
            return
        word = "".join(chars)
        if fuzzy:
            distance = min(self._distance(state), 2)
            if distance == 0:
                branch = self.leaves.text(None, word)
            else:
                branch = self.leaves.text(None, word, "fuzzy", fuzziness=distance)
        elif prefix:
            branch = self.leaves.prefix(None, word[:-1])
        else:
            branch = self.leaves.text(None, word)
        self._attach(state, branch)

    def _distance(self, state: _SimpleState) -> int:
        """The number after ``~`` (fuzziness or slop): none is 2, nonsense is 0."""
        if state.text[state.index] != "~":
            return 0
        digits = []
        while state.index < state.end:
            state.index += 1
            if state.index < state.end:
                if state.finishes_token(state.text[state.index]):
                    break
                digits.append(state.text[state.index])
        spec = "".join(digits)
        if not spec:
            return 2
        if not re.fullmatch(r"[+-]?[0-9]+", spec):
            return 0  # Java's parseInt fails: Lucene falls back to 0
        value = int(spec)
        return value if 0 <= value < 2**31 else 0

    def _attach(self, state: _SimpleState, branch: dict[str, Any] | _Group | None) -> None:
        """Add a clause; an operator different from the previous one wraps all before it."""
        if branch is None:
            return
        if state.negations % 2:
            branch = {"bool": {"must_not": [_simple_dsl(branch)], "should": [{"match_all": {}}]}}
        if state.top is None:
            state.top = branch
        else:
            occur = state.current or self.default_occur
            if state.previous != occur:
                state.top = _Group([(occur, state.top)])
            assert isinstance(state.top, _Group)
            state.top.clauses.append((occur, branch))
            state.previous = occur
        state.current = None
