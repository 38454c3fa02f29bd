"""What compiling a query needs, and the dispatch from a clause to its query type's builder.

:class:`Context` carries the index's reader and the request's clock, and gathers the terms a
query searched, for highlighting. :func:`compile_query` hands each clause to its builder in
:data:`QUERIES`; a field-level query whose field is a pattern (``title*``) runs on every field
the pattern names (:func:`resolve_fields`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tantivy
from tantivy import Query

from .. import jsoncodec
from ..errors import BadRequest, EngineError, ParsingError, QueryShardError
from ..fields import FieldType
from ..highlight import FUZZY_NOTE, PHRASE_NOTE, REGEX_NOTE
from ..settings import Settings

MATCH_NONE = Query.empty_query


def MATCH_ALL() -> tantivy.Query:
    """Every document, scoring 1.0.

    A bare ``all_query`` is not enough: tantivy drops an ``AllScorer`` from a conjunction, with
    its score, so ``match_all`` next to a filter (``bool.filter``, ``post_filter``, an alias
    filter) scored 0 instead of 1.
    """
    return Query.const_score_query(Query.all_query(), 1.0)


@dataclass
class Context:
    """What compiling a query needs: the index's reader and settings, and the request's clock."""

    reader: Any  # index.Reader
    index_name: str = ""
    default_fields: list[str] = field(default_factory=lambda: ["*"])
    #: The index's settings: the limits queries check (``index.max_terms_count``...).
    settings: Settings = field(default_factory=lambda: Settings({}))
    now: int = field(default_factory=lambda: int(time.time() * 1000))
    #: Terms and phrases per field, gathered for highlighting.
    highlight: dict[str, set[str]] = field(default_factory=dict)
    lookup: Callable[[str, str], Any] | None = None
    #: The queries named with ``_name``, in the order compiled: a hit lists those it matches.
    named: list[tuple[str, tantivy.Query]] = field(default_factory=list)
    #: The nested path whose objects the query being compiled runs on ("": root documents).
    scope: str = ""
    #: The ``inner_hits`` the query asks for, by name (see :mod:`.inner_hits`); a nested
    #: query's own ``inner_hits`` hold those asked inside it.
    inner_hits: dict[str, Any] = field(default_factory=dict)
    #: Unmapped fields are errors (a percolator's stored query is parsed so at index time).
    strict_fields: bool = False
    #: What each ``percolate`` query matched (query/percolate.py), for the hits' slot fields.
    percolations: list[Any] = field(default_factory=list)
    #: The search's ``size``: how many neighbours a ``knn`` query without ``k`` finds.
    request_size: int = 10

    def limit(self, name: str) -> int:
        """An integer index setting such as ``index.max_terms_count``."""
        return self.settings.int(name)

    @property
    def mapping(self) -> Any:
        return self.reader.mapping

    @property
    def schema(self) -> tantivy.Schema:
        """The schema of the documents queried: the nested store's inside a ``nested`` query
        (the same slots, so a query built on one runs on the other)."""
        if self.scope and self.reader.nested is not None:
            return self.reader.nested.schema
        return self.reader.schema

    def field(self, name: str) -> FieldType | None:
        found = self.reader.mapping.field(name)
        if found is None and self.strict_fields and not self.reader.mapping.is_object(name):
            raise QueryShardError(f"No field mapping can be found for the field with name [{name}]")
        return found

    def slot(self, field_type: FieldType) -> str | None:
        """The tantivy slot the term-level and full-text queries search (none for a
        ``geo_point``, whose slot only the geo queries read)."""
        if not field_type.searchable_type:
            return None
        return self.reader.layout.slot(field_type.path)

    def note(self, field_type: FieldType, term: str) -> None:
        if self.scope:  # a nested object's field: the root's highlight does not show it
            return
        self.highlight.setdefault(field_type.path, set()).add(term)

    def note_regex(self, field_type: FieldType, pattern: str) -> None:
        """Terms matching a pattern (wildcard, regexp), for highlighting."""
        self.note(field_type, REGEX_NOTE + pattern)

    def note_phrase(
        self, field_type: FieldType, words: list[tuple[int, str]], slop: int, prefix: bool
    ) -> None:
        """A phrase (terms at relative positions), highlighted only where it matches."""
        self.note(field_type, PHRASE_NOTE + jsoncodec.dumps([slop, prefix, words]).decode())

    def note_fuzzy(
        self,
        field_type: FieldType,
        term: str,
        distance: int,
        transpositions: bool,
        prefix_length: int = 0,
    ) -> None:
        """Terms within an edit distance of a term (fuzzy queries), for highlighting."""
        self.note(
            field_type, f"{FUZZY_NOTE}{distance}:{int(transpositions)}:{prefix_length}:{term}"
        )


#: A query type's builder: the query's body (the object under its name) to a tantivy query.
Builder = Callable[[Context, dict[str, Any]], tantivy.Query]

#: Every query type by name, with its builder: filled in by the package's ``__init__``.
QUERIES: dict[str, Builder] = {}


def compile_query(ctx: Context, dsl: Any) -> tantivy.Query:
    """Compile one query clause (``{"match": {...}}``) to a tantivy query."""
    if dsl is None:
        return MATCH_ALL()
    if not isinstance(dsl, dict):
        raise ParsingError("[_na] query malformed, must start with start_object")
    if len(dsl) != 1:
        if not dsl:
            raise ParsingError("query malformed, empty clause found")
        names = list(dsl)
        raise ParsingError(
            f"[{names[0]}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]"
        )
    ((kind, body),) = dsl.items()
    builder = QUERIES.get(kind)
    if builder is None:
        raise ParsingError(f"unknown query [{kind}]", type="parsing_exception")
    if not isinstance(body, dict):
        raise ParsingError(f"[{kind}] query malformed, no start_object after query name")
    query = None
    if kind in FIELD_QUERIES:
        names = [k for k in body if k not in ("boost", "_name")]
        if len(names) == 1 and ("*" in names[0] or "?" in names[0]):
            query = _over_fields(ctx, builder, body, names[0])
    if query is None:
        query = builder(ctx, body or {})
    name = _query_name(body)
    if name is not None:
        ctx.named.append((name, query))
    return query


def _query_name(body: Any) -> str | None:
    """A clause's ``_name``: in its body, or in the one field object of a field query."""
    if not isinstance(body, dict):
        return None
    if "_name" in body:
        return str(body["_name"])
    fields = [v for k, v in body.items() if k != "boost"]
    if len(fields) == 1 and isinstance(fields[0], dict) and "_name" in fields[0]:
        return str(fields[0]["_name"])
    return None


#: Queries on one field, whose field may be a pattern such as ``title*`` or ``*``.
FIELD_QUERIES = frozenset(
    {
        "term",
        "prefix",
        "wildcard",
        "regexp",
        "fuzzy",
        "range",
        "match",
        "match_phrase",
        "match_phrase_prefix",
        "match_bool_prefix",
    }
)


def _over_fields(
    ctx: Context, builder: Callable, body: dict[str, Any], pattern: str
) -> tantivy.Query:
    """A field-level query on every field a pattern names, leniently, as query_string does."""
    queries = []
    for field_type, _ in resolve_fields(ctx, [pattern]):
        try:
            queries.append(
                builder(
                    ctx,
                    {
                        **{k: v for k, v in body.items() if k != pattern},
                        field_type.path: body[pattern],
                    },
                )
            )
        except EngineError:
            continue
    if not queries:
        return MATCH_NONE()
    return queries[0] if len(queries) == 1 else Query.disjunction_max_query(queries, 0.0)


def validate_filter(dsl: Any) -> None:
    """Check that an alias filter is a query the engine knows (its fields may come later)."""
    if not isinstance(dsl, dict) or len(dsl) != 1:
        raise BadRequest("failed to parse filter for alias", type="illegal_argument_exception")
    kind = next(iter(dsl))
    if kind not in QUERIES:
        raise BadRequest(
            f"failed to parse filter for alias: unknown query [{kind}]",
            type="illegal_argument_exception",
        )


def resolve_fields(ctx: Context, specs: list[str] | None) -> list[tuple[FieldType, float]]:
    """``["title^2", "body*"]`` -> mapped fields with their boosts (``*``: all searchable)."""
    specs = specs or ctx.default_fields
    found: dict[str, tuple[FieldType, float]] = {}
    for spec in specs:
        name, _, boost = str(spec).partition("^")
        weight = float(boost) if boost else 1.0
        for field_type in ctx.mapping.fields_matching(name):
            if name == "*" or "*" in name:
                if not field_type.searchable or ctx.slot(field_type) is None:
                    continue
                if field_type.type_name in ("binary", "geo_point", "alias"):
                    continue
            found[field_type.path] = (field_type, weight)
    return list(found.values())
