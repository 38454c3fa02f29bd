"""A search request: its body (and what its URL may say), parsed and validated once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .. import highlight, sorting
from ..deprecation import deprecated
from ..errors import (
    IllegalArgument,
    ParsingError,
    Unsupported,
    ValidationError,
)
from ..query.knn import KnnSpec, parse_knn
from ..source import SourceFilter, from_body
from .completion import CompletionSuggestion
from .phrase import PhraseSuggestion
from .rrf import RrfRetriever, StandardRetriever, parse_retriever
from .suggest import TermSuggestion
from .suggest import parse as parse_suggest

#: Search body keys this engine refuses with a clear error rather than ignores.
UNSUPPORTED = (
    "collapse",
    "rescore",
    "script_fields",
    "runtime_mappings",
    "rank",
    "slice",
    "sub_searches",
)
#: Keys Elasticsearch 9 still reads, deprecated in favour of ``retriever``: refused (after the
#: same warning), the rrf retriever being the way to what they ask.
REPLACED_BY_RETRIEVER = frozenset({"rank", "sub_searches"})
BODY_KEYS = {
    "query", "from", "size", "sort", "_source", "track_total_hits", "search_after", "aggs",
    "aggregations", "post_filter", "highlight", "min_score", "stored_fields", "docvalue_fields",
    "fields", "version", "seq_no_primary_term", "explain", "track_scores", "terminate_after",
    "timeout", "pit", "indices_boost", "profile", "stats", "ext", "suggest", "knn", "retriever",
    *UNSUPPORTED,
}  # fmt: skip
DEFAULT_TRACK = 10000


@dataclass(frozen=True)
class SearchParams:
    """What a search's URL may say, read by the REST layer (``api.arguments.search_params``):
    below it, nothing reads URL parameters."""

    start: int | None = None
    size: int | None = None
    sort: str | None = None
    source: SourceFilter | Literal[False] | None = None
    track_total_hits: str | None = None
    total_as_int: bool = False
    stored_fields: str | None = None
    docvalue_fields: str | None = None
    version: bool = False
    seq_no_primary_term: bool = False
    explain: bool = False
    track_scores: bool = False
    terminate_after: int | None = None


@dataclass
class SearchRequest:
    """A search body and URL parameters, parsed and validated once."""

    query: Any = None
    start: int = 0
    size: int = 10
    sort: list[sorting.SortField] = field(default_factory=list)
    source: Any = None  # None: whole source; False: none; SourceFilter
    track_total_hits: bool | int = DEFAULT_TRACK
    total_as_int: bool = False
    search_after: list[Any] | None = None
    aggs: dict[str, Any] | None = None
    post_filter: Any = None
    highlight: dict[str, Any] | None = None
    min_score: float | None = None
    stored_fields: list[str] | None = None
    docvalue_fields: list[Any] | None = None
    fields: list[Any] | None = None
    version: bool = False
    seq_no_primary_term: bool = False
    explain: bool = False
    track_scores: bool = False
    terminate_after: int | None = None
    pit: dict[str, Any] | None = None
    indices_boost: dict[str, float] = field(default_factory=dict)
    profile: bool = False
    suggest: list[TermSuggestion | CompletionSuggestion | PhraseSuggestion] = field(
        default_factory=list
    )
    #: The top-level ``knn`` searches (their hits join the query's, scores summed).
    knn: list[KnnSpec] = field(default_factory=list)
    #: An ``rrf`` retriever: its fused documents are the hits.
    rrf: RrfRetriever | None = None
    #: Whether a hit's whole ``_source`` may go into the response as the bytes it is stored as
    #: (:func:`djangoes_engine.jsoncodec.raw`), unparsed: the search API sets it when nothing
    #: reads the response body before it is encoded (no ``filter_path``).
    raw_source: bool = False

    @classmethod
    def parse(cls, body: dict[str, Any] | None, url: SearchParams | None = None) -> SearchRequest:
        """The request a search ``body`` makes, with what its URL says (:class:`SearchParams`,
        which the REST layer reads) taking precedence where Elasticsearch gives it."""
        url = url or SearchParams()
        body = dict(body or {})
        for key in body:
            if key not in BODY_KEYS:
                raise ParsingError(f"Unknown key for a START_OBJECT in [{key}].")
            if key in REPLACED_BY_RETRIEVER:
                deprecated(f"Deprecated field [{key}] used, replaced by [retriever]")
        for key in UNSUPPORTED:
            if body.get(key) is not None:
                raise Unsupported(f"[{key}]")
        request = cls()
        request.query = body.get("query")
        if "from" in body:
            request.start = _int(body["from"], "from")
            if request.start < 0:
                raise IllegalArgument(
                    f"[from] parameter cannot be negative, found [{request.start}]"
                )
        if "size" in body:
            request.size = _int(body["size"], "size")
            if request.size < 0:
                raise IllegalArgument(
                    f"[size] parameter cannot be negative, found [{request.size}]"
                )
        if url.start is not None:
            request.start = url.start
            if request.start < 0:
                raise IllegalArgument("[from] parameter cannot be negative")
        if url.size is not None:
            request.size = url.size
            if request.size < 0:
                raise IllegalArgument("[size] parameter cannot be negative")
        request.sort = sorting.parse_sort(url.sort if url.sort is not None else body.get("sort"))
        request.source = from_body(body["_source"]) if "_source" in body else None
        if body.get("_source") is True:
            # Asked for explicitly, the source comes back even beside stored_fields (Elasticsearch
            # leaves it out only when stored_fields are asked for and _source is not).
            request.source = SourceFilter()
        if url.source is not None:
            request.source = url.source
        url_track = DEFAULT_TRACK if url.track_total_hits is None else url.track_total_hits
        request.track_total_hits = _track(body.get("track_total_hits", url_track))
        request.total_as_int = url.total_as_int
        if request.total_as_int and request.track_total_hits not in (True, False):
            if "track_total_hits" in body or url.track_total_hits is not None:
                raise IllegalArgument(
                    "[rest_total_hits_as_int] cannot be used if the tracking of total hits is not "
                    f"accurate, got {request.track_total_hits}"
                )
            request.track_total_hits = True
        request.search_after = body.get("search_after")
        if request.search_after is not None and not isinstance(request.search_after, list):
            raise ParsingError("[search_after] must be an array")
        if request.search_after is not None and request.start > 0:
            raise ValidationError("[from] parameter must be set to 0 when [search_after] is used")
        request.aggs = body.get("aggs", body.get("aggregations"))
        if request.aggs is not None and not isinstance(request.aggs, dict):
            raise ParsingError("Expected [START_OBJECT] under [aggs], but got a [VALUE_STRING]")
        request.post_filter = body.get("post_filter")
        request.highlight = body.get("highlight")
        if request.highlight is not None and not isinstance(request.highlight, dict):
            raise ParsingError("Expected [START_OBJECT] under [highlight], but got an array")
        if request.highlight is not None:
            highlight.validate(request.highlight)
        request.min_score = body.get("min_score")
        request.stored_fields = _names(body.get("stored_fields", url.stored_fields))
        request.docvalue_fields = _field_specs(
            body.get("docvalue_fields", url.docvalue_fields), "docvalue_fields"
        )
        request.fields = _field_specs(body.get("fields"), "fields")
        request.version = bool(body.get("version", url.version))
        request.seq_no_primary_term = bool(body.get("seq_no_primary_term", url.seq_no_primary_term))
        request.explain = bool(body.get("explain", url.explain))
        request.track_scores = bool(body.get("track_scores", url.track_scores))
        request.terminate_after = body.get("terminate_after", url.terminate_after)
        request.pit = body.get("pit")
        boosts = body.get("indices_boost") or []
        if isinstance(boosts, dict):
            # The object form is read only under REST compatibility with 7.
            raise ParsingError("Unknown key for a START_OBJECT in [indices_boost].")
        for entry in boosts if isinstance(boosts, list) else [boosts]:
            request.indices_boost.update(entry)
        request.profile = bool(body.get("profile"))
        if body.get("suggest") is not None:
            request.suggest = parse_suggest(body["suggest"])
        if body.get("knn") is not None:
            entries = body["knn"] if isinstance(body["knn"], list) else [body["knn"]]
            request.knn = [parse_knn(e, request.size, top_level=True) for e in entries]
        if body.get("retriever") is not None:
            for key in _BESIDE_RETRIEVER:
                if body.get(key) is not None or (key == "sort" and url.sort is not None):
                    raise IllegalArgument(f"cannot specify [retriever] and [{key}]")
            _retrieve(request, body["retriever"])
        if request.search_after is not None and request.scroll_like:
            raise ParsingError("[search_after] cannot be used in a scroll context")
        return request

    scroll_like = False

    @property
    def sorts_by_score(self) -> bool:
        return not self.sort or (
            len(self.sort) == 1 and self.sort[0].name == "_score" and self.sort[0].order == "desc"
        )


#: What a request with a ``retriever`` says inside it instead.
_BESIDE_RETRIEVER = ("query", "knn", "sort", "search_after", "terminate_after", "min_score")


def _retrieve(request: SearchRequest, value: Any) -> None:
    """A ``retriever`` (Elasticsearch 8.16+): a standard or knn one is the query, sort or kNN
    search it stands for; an ``rrf`` one is run as such (:mod:`.collect`)."""
    retriever = parse_retriever(value, request.size)
    if isinstance(retriever, KnnSpec):
        request.knn = [retriever]
    elif isinstance(retriever, StandardRetriever):
        request.query = retriever.query
        request.sort = retriever.sort or request.sort
        request.search_after = retriever.search_after
        request.terminate_after = retriever.terminate_after
        request.min_score = retriever.min_score
    else:
        if retriever.rank_window_size < request.size:
            raise IllegalArgument(
                "[rank_window_size] must be greater than or equal to [size] for [rrf]"
            )
        request.rrf = retriever


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ParsingError(f"[{name}] failed to parse field [{name}]")
    try:
        return int(value)
    except ValueError:
        raise ParsingError(f"[{name}] failed to parse field [{name}]") from None


def _track(value: Any) -> bool | int:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value in ("true", "false"):
            return value == "true"
        try:
            value = int(value)
        except ValueError:
            raise IllegalArgument(f"Failed to parse track_total_hits [{value}]") from None
    if isinstance(value, int):
        if value < 0:
            raise IllegalArgument(
                f"[track_total_hits] parameter must be positive or equals to -1, got {value}"
            )
        return value
    raise ParsingError("[track_total_hits] must be a boolean or an integer")


def _names(value: Any) -> list[str] | None:
    listed = _list(value)
    return None if listed is None else [str(v) for v in listed]


def _field_specs(value: Any, option: str) -> list[Any] | None:
    """``fields`` and ``docvalue_fields``: names, or objects with a ``field`` name."""
    specs = _list(value)
    for spec in specs or []:
        named = isinstance(spec, dict) and isinstance(spec.get("field"), str)
        if not (isinstance(spec, str) or named):
            raise ParsingError(f"[{option}] takes field names or objects with a [field]: [{spec}]")
    return specs


def _list(value: Any) -> list[Any] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    if not isinstance(value, list | tuple):  # a number, an object: not a list of fields
        raise ParsingError(f"Expected an array of fields, but got [{value}]")
    return list(value)
