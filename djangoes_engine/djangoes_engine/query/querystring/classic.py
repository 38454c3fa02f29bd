"""``query_string``'s grammar: Lucene's classic query parser, building DSL as it parses.

Operators have no precedence, runs of plain words are one text, and syntax errors are Lucene's
(see the package's docstring); :mod:`.lexer` reads the tokens.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from .dsl import MUST, MUST_NOT, SHOULD, Leaves, boosted, query_params
from .lexer import ORDER, Kind, Lexer, ParseFailure, Token, java_escape, unescape
from .options import MAX_DEPTH

_MOD_NONE, _MOD_REQ, _MOD_NOT = 0, 1, 2
_CONJ_NONE, _CONJ_AND, _CONJ_OR = 0, 1, 2
_NOT_AFTER_RUN = frozenset({Kind.COLON, Kind.STAR, Kind.FUZZY_SLOP, Kind.CARAT, Kind.AND, Kind.OR})
_TERM_KINDS = frozenset(
    {
        Kind.TERM,
        Kind.STAR,
        Kind.PREFIXTERM,
        Kind.WILDTERM,
        Kind.REGEXPTERM,
        Kind.NUMBER,
        Kind.BAREOPER,
    }
)
_TERM_START = (
    Kind.BAREOPER,
    Kind.LPAREN,
    Kind.STAR,
    Kind.QUOTED,
    Kind.TERM,
    Kind.PREFIXTERM,
    Kind.WILDTERM,
    Kind.REGEXPTERM,
    Kind.RANGEIN_START,
    Kind.RANGEEX_START,
    Kind.NUMBER,
)
_CLAUSE_FIRST = frozenset({Kind.AND, Kind.OR, Kind.NOT, Kind.PLUS, Kind.MINUS, *_TERM_START})
# Expected-token lists of the errors, as Lucene prints them (the trailing <TERM> and "*" come
# from its two-token lookahead for a field name).
_AFTER_FIELD = _TERM_START
_AFTER_MODIFIER = (*_TERM_START, Kind.TERM, Kind.STAR)
_CLAUSE_START = (Kind.NOT, Kind.PLUS, Kind.MINUS, *_AFTER_MODIFIER)
_RANGE_BOUND = (Kind.RANGE_TO, Kind.RANGE_QUOTED, Kind.RANGE_GOOP)
_RANGE_END = (Kind.RANGEIN_END, Kind.RANGEEX_END)


@dataclass
class _Run:
    """Consecutive plain words, searched as one text (Lucene's MultiTerm)."""

    field: str | None
    words: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class _Clause:
    occur: str
    query: dict[str, Any] | _Run
    direct_run: bool = False  # a run of this very clause list, which Lucene may flatten


_Parsed = dict[str, Any] | _Run | None


class QueryStringParser:
    """Recursive descent over Lucene's classic grammar, building DSL as it goes."""

    def __init__(
        self, text: str, leaves: Leaves, *, default_and: bool, minimum_should_match: Any
    ) -> None:
        self.text = text
        self.lexer = Lexer(text)
        self.lookahead: list[Token] = []
        self.leaves = leaves
        self.default_and = default_and
        self.minimum_should_match = minimum_should_match
        self.tail: tuple[Kind, ...] = ()  # optional tokens that could still follow the last clause

    def parse(self) -> dict[str, Any] | None:
        query = self._query(None, 0)
        if self._peek().kind is not Kind.EOF:
            raise self._unexpected(self._peek(), self._more_clauses(group=False))
        return self.resolve(query)

    def resolve(self, query: _Parsed) -> dict[str, Any] | None:
        return self._field_text(query.field, query.text) if isinstance(query, _Run) else query

    # Token access

    def _peek(self, ahead: int = 0) -> Token:
        while len(self.lookahead) <= ahead:
            self.lookahead.append(self.lexer.next())
        return self.lookahead[ahead]

    def _take(self) -> Token:
        token = self._peek()
        self.lookahead.pop(0)
        return token

    def _expect(self, kinds: tuple[Kind, ...], expected: tuple[Kind, ...]) -> Token:
        if self._peek().kind not in kinds:
            raise self._unexpected(self._peek(), expected)
        return self._take()

    def _unexpected(self, token: Token, expected: tuple[Kind, ...]) -> ParseFailure:
        """Lucene's ParseException message, column included (0-based, as Lucene counts)."""
        if token.kind is Kind.EOF:
            found = "<EOF>"
        else:
            found = f' {token.kind.value} "{java_escape(token.image)} "'
        heading = "Was expecting:" if len(expected) == 1 else "Was expecting one of:"
        listed = "".join(
            f"{kind.value} \n    " if kind is Kind.EOF else f"{kind.value} ...\n    "
            for kind in expected
        )
        return ParseFailure(
            f'Encountered "{found}" at line 1, column {token.position}.\n{heading}\n    {listed}'
        )

    def _more_clauses(self, *, group: bool) -> tuple[Kind, ...]:
        kinds = set(_CLAUSE_FIRST) | set(self.tail) | {Kind.RPAREN if group else Kind.EOF}
        return tuple(sorted(kinds, key=ORDER.__getitem__))

    # Grammar

    def _query(self, field: str | None, depth: int) -> _Parsed:
        """Clauses joined by conjunctions and modifiers; a lone unmodified clause is itself."""
        clauses: list[_Clause] = []
        first: _Parsed = None
        if self._at_run():
            first = self._run(field)
            clauses.append(_Clause(self._default_occur(), first, direct_run=True))
        else:
            modifier = self._modifier()
            query = self._clause(field, depth, _AFTER_MODIFIER if modifier else _CLAUSE_START)
            self._add(clauses, _CONJ_NONE, modifier, query)
            if modifier == _MOD_NONE:
                first = query
        while True:
            if self._at_run():
                clauses.append(_Clause(self._default_occur(), self._run(field), direct_run=True))
            elif self._peek().kind in _CLAUSE_FIRST:
                conjunction = self._conjunction()
                modifier = self._modifier()
                expected = _AFTER_MODIFIER if modifier else _CLAUSE_START
                self._add(clauses, conjunction, modifier, self._clause(field, depth, expected))
            else:
                break
        if len(clauses) == 1 and first is not None:
            return first
        return self._boolean(clauses, top=depth == 0)

    def _at_run(self) -> bool:
        return (
            self._peek().kind is Kind.TERM
            and self._peek(1).kind is Kind.TERM
            and self._peek(2).kind not in _NOT_AFTER_RUN
        )

    def _run(self, field: str | None) -> _Run:
        images = [self._take().image]
        while self._peek().kind is Kind.TERM and self._peek(1).kind not in _NOT_AFTER_RUN:
            images.append(self._take().image)
        self.tail = ()
        return _Run(field, [unescape(image) for image in images])

    def _default_occur(self) -> str:
        return MUST if self.default_and else SHOULD

    def _modifier(self) -> int:
        kind = self._peek().kind
        if kind is Kind.PLUS:
            self._take()
            return _MOD_REQ
        if kind in (Kind.MINUS, Kind.NOT):
            self._take()
            return _MOD_NOT
        return _MOD_NONE

    def _conjunction(self) -> int:
        kind = self._peek().kind
        if kind in (Kind.AND, Kind.OR):
            self._take()
            return _CONJ_AND if kind is Kind.AND else _CONJ_OR
        return _CONJ_NONE

    def _add(self, clauses: list[_Clause], conjunction: int, modifier: int, query: _Parsed) -> None:
        """Lucene's ``addClause``: the conjunction may also change the previous clause."""
        previous = clauses[-1] if clauses else None
        if previous is not None and previous.occur != MUST_NOT:
            if conjunction == _CONJ_AND:
                previous.occur = MUST
            elif conjunction == _CONJ_OR and self.default_and:
                previous.occur = SHOULD
        if query is None:  # analysed away: the conjunction still counted
            return
        prohibited = modifier == _MOD_NOT
        if self.default_and:
            required = not prohibited and conjunction != _CONJ_OR
        else:
            required = modifier == _MOD_REQ or (conjunction == _CONJ_AND and not prohibited)
        occur = MUST if required else MUST_NOT if prohibited else SHOULD
        clauses.append(_Clause(occur, query))

    def _boolean(self, clauses: list[_Clause], *, top: bool) -> dict[str, Any] | None:
        if not clauses:
            return None
        body: dict[str, list[dict[str, Any]]] = {}
        for clause in clauses:
            for query in self._clause_queries(clause, top):
                body.setdefault(clause.occur, []).append(query)
        return {"bool": body} if body else None

    def _clause_queries(self, clause: _Clause, top: bool) -> list[dict[str, Any]]:
        """A clause's DSL: a run counted by a top-level ``minimum_should_match`` is split."""
        if not isinstance(clause.query, _Run):
            return [] if clause.query is None else [clause.query]
        run = clause.query
        query = self._field_text(run.field, run.text)
        if query is None:
            return []
        split = clause.direct_run and top and self.minimum_should_match is not None
        if split and "match" in query and "boost" not in query_params(query)[1]:
            words = (self.leaves.text(run.field, word) for word in run.words)
            return [word for word in words if word is not None]
        return [query]

    def _clause(self, field: str | None, depth: int, expected: tuple[Kind, ...]) -> _Parsed:
        """``[field:] (term | "(" query ")" [^boost])``."""
        name, colon = self._peek(), self._peek(1)
        if name.kind in (Kind.TERM, Kind.STAR) and colon.kind is Kind.COLON:
            self._take()
            self._take()
            field = "*" if name.kind is Kind.STAR else unescape(name.image)
            expected = _AFTER_FIELD
        if self._peek().kind is Kind.LPAREN:
            return self._group(field, depth)
        return self._term(field, expected)

    def _group(self, field: str | None, depth: int) -> _Parsed:
        self._take()
        if depth >= MAX_DEPTH:
            raise ParseFailure(f"query is nested too deeply (more than {MAX_DEPTH} levels)")
        query = self._query(field, depth + 1)
        self._expect((Kind.RPAREN,), self._more_clauses(group=True))
        boost = self._boost()
        self.tail = () if boost is not None else (Kind.CARAT,)
        return self._with_boost(query, boost)

    def _term(self, field: str | None, expected: tuple[Kind, ...]) -> _Parsed:
        token = self._peek()
        if token.kind in _TERM_KINDS:
            self._take()
            boost, slop = self._boost_and_slop()
            return self._with_boost(self._bare(field, token, slop), boost)
        if token.kind in (Kind.RANGEIN_START, Kind.RANGEEX_START):
            return self._range(field)
        if token.kind is Kind.QUOTED:
            self._take()
            boost, slop = self._boost_and_slop()
            phrase = self._phrase(field, unescape(token.image[1:-1]), slop)
            return self._with_boost(phrase, boost)
        raise self._unexpected(token, expected)

    def _boost_and_slop(self) -> tuple[float | None, str | None]:
        """``[^boost [~slop] | ~slop [^boost]]`` after a term or phrase."""
        boost = slop = None
        if self._peek().kind is Kind.CARAT:
            boost = self._boost()
            if self._peek().kind is Kind.FUZZY_SLOP:
                slop = self._take().image
        elif self._peek().kind is Kind.FUZZY_SLOP:
            slop = self._take().image
            boost = self._boost()
        self.tail = tuple(
            kind for kind, value in ((Kind.CARAT, boost), (Kind.FUZZY_SLOP, slop)) if value is None
        )
        return boost, slop

    def _boost(self) -> float | None:
        if self._peek().kind is not Kind.CARAT:
            return None
        self._take()
        return float(self._expect((Kind.NUMBER,), (Kind.NUMBER,)).image)

    def _with_boost(self, query: _Parsed, boost: float | None) -> _Parsed:
        """Lucene wraps even ``^1`` in a BoostQuery, which keeps it from minimum_should_match."""
        if boost is None:
            return query
        resolved = self.resolve(query)
        if resolved is None:
            return None
        return boosted(resolved, boost)

    def _range(self, field: str | None) -> _Parsed:
        start = self._take()
        low = self._expect(_RANGE_BOUND, _RANGE_BOUND)
        self._expect((Kind.RANGE_TO,), (Kind.RANGE_TO,))
        high = self._expect(_RANGE_BOUND, _RANGE_BOUND)
        end = self._expect(_RANGE_END, _RANGE_END)
        boost = self._boost()
        self.tail = () if boost is not None else (Kind.CARAT,)
        query = self.leaves.range(
            field,
            _range_bound(low),
            _range_bound(high),
            start.kind is Kind.RANGEIN_START,
            end.kind is Kind.RANGEIN_END,
        )
        return self._with_boost(query, boost)

    # Leaves

    def _bare(self, field: str | None, token: Token, slop: str | None) -> _Parsed:
        """An unquoted term: wildcard, prefix, regexp, fuzzy or plain text."""
        kind = token.kind
        if kind is Kind.BAREOPER:
            return None  # a lone + - ! is punctuation, which analysis drops
        if kind in (Kind.WILDTERM, Kind.STAR):
            return self.leaves.wildcard(field, token.image)
        if kind is Kind.PREFIXTERM:
            return self.leaves.prefix(field, unescape(token.image[:-1]))
        if kind is Kind.REGEXPTERM:
            return self.leaves.regexp(field, token.image[1:-1])
        text = unescape(token.image)
        if slop is not None:
            return self.leaves.text(field, text, "fuzzy", fuzziness=self._fuzziness(slop))
        return self._field_text(field, text)

    def _field_text(self, field: str | None, text: str) -> dict[str, Any] | None:
        """Lucene's ``getFieldQuery`` as Elasticsearch overrides it: _exists_, ``>``/``<``, text."""
        if field == "_exists_":
            return self.leaves.exists(text)
        if field is not None and len(text) > 1 and text[0] in "<>":
            inclusive = len(text) > 2 and text[1] == "="
            bound = text[2:] if inclusive else text[1:]
            if text[0] == ">":
                return self.leaves.range(field, bound, None, inclusive, True)
            return self.leaves.range(field, None, bound, True, inclusive)
        return self.leaves.text(field, text)

    def _phrase(self, field: str | None, text: str, slop: str | None) -> dict[str, Any] | None:
        if field == "_exists_":
            return self.leaves.exists(text)
        distance = self.leaves.options.phrase_slop
        if slop is not None:
            # "~" alone or not a number keeps the default slop, as Lucene does.
            with contextlib.suppress(ValueError, OverflowError):
                distance = int(float(slop[1:]))
        return self.leaves.text(field, text, "phrase", slop=distance)

    def _fuzziness(self, slop: str) -> Any:
        """``~`` alone: the request's ``fuzziness``; ``~N``: N edits (at most 2); else as given."""
        spec = slop[1:]
        if not spec:
            return self.leaves.options.fuzziness
        try:
            value = float(spec)
            if value >= 0:
                return min(2, int(value))
        except (ValueError, OverflowError):
            pass
        return spec  # AUTO, AUTO:3,6 or nonsense: the compiler validates it


def _range_bound(token: Token) -> str | None:
    if token.kind is Kind.RANGE_QUOTED:
        return unescape(token.image[1:-1])
    if token.image == "*":
        return None
    return unescape(token.image)
