"""The blog's search: ``PostSearch``, a faceted search over :class:`~.documents.PostDocument`.

``search()`` runs one request, on the index of the Document (the ``blog_posts`` alias): the
query (``simple_query_string``, from what :mod:`.query` makes of the search box), the facets'
selections as ``post_filter``, each facet's counts under the other facets' selections,
highlights and a page of hits. elasticsearch.dsl's ``FacetedSearch`` builds the filters and the
facets' aggregations; ``PostSearch`` gives it the query, the highlights, and the count of
selected values that are not among a facet's most frequent ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from elasticsearch.dsl import Search, TermsFacet
from elasticsearch.dsl.query import Bool, MatchAll, Query, SimpleQueryString

from djangoes.dsl import FacetedSearch

from .documents import PostDocument
from .query import ParsedQuery, parse

PAGE_SIZE = 10
#: The pages a search can show: Elasticsearch's result window (10,000 hits) by default.
MAX_PAGE = 10_000 // PAGE_SIZE


@dataclass(frozen=True)
class Facet:
    field: str  # a keyword field: the search filters on it and counts its values
    label: str
    size: int  # how many values are counted (the most frequent ones)


#: The search's filters by name, in display order.
FACETS = {
    "category": Facet("category", "Categories", 10),
    "tag": Facet("tags", "Tags", 8),
}
_EM = re.compile(r"(</?em>)")


class PostSearch(FacetedSearch):
    """Posts matching a query (all posts if empty or ``*``) and facet filters.

    As faceted search does, the selected values filter the hits (``post_filter``) and the other
    facets' counts, never their own facet's: the other values of a facet keep their counts,
    to be added to the selection.
    """

    doc_types = [PostDocument]
    fields = ["title^2", "body"]  # what the query's text searches; both are highlighted
    facets = {
        name: TermsFacet(field=facet.field, size=facet.size) for name, facet in FACETS.items()
    }

    def __init__(self, query: str, filters: dict[str, list[str]]) -> None:
        self.parsed = parse(query)
        sort = ["-published"] if self.parsed.finds_everything else ["_score", "-published"]
        super().__init__(query, filters, sort)  # type: ignore[arg-type]

    def query(self, search: Search[Any], query: str) -> Search[Any]:  # type: ignore[override]
        return search.query(_query(self.parsed, self.fields))

    def highlight(self, search: Search[Any]) -> Search[Any]:  # type: ignore[override]
        return search.highlight("title", number_of_fragments=0).highlight(
            "body", fragment_size=160, number_of_fragments=1
        )

    def aggregate(self, search: Search[Any]) -> None:  # type: ignore[override]
        """The facets' aggregations, and the selected values' counts (``selected``): a selected
        value may not be among the most frequent ones."""
        super().aggregate(search)
        for name, values in self.filter_values.items():
            # "_filter_<name>": the filter aggregation FacetedSearch counts a facet under.
            search.aggs[f"_filter_{name}"].bucket(
                "selected", "terms", field=FACETS[name].field, include=values, size=len(values)
            )


@dataclass
class Hit:
    slug: str
    title: SafeString  # HTML: the title, its matches in <em>
    summary: SafeString  # HTML: a fragment of the body around a match, or its start
    author: str
    category: str
    tags: list[str]
    published: date


@dataclass
class Bucket:
    value: str
    count: int
    selected: bool


@dataclass
class Results:
    query: str
    filters: dict[str, list[str]]  # facet name: the values selected (any of them matches)
    total: int
    page: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[Bucket]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # how the query was read, when it matters

    @property
    def last_page(self) -> int:
        """The last page with hits (1 when there are none), within the result window."""
        return max(1, min(MAX_PAGE, -(-self.total // PAGE_SIZE)))

    @property
    def has_next(self) -> bool:
        return self.page < self.last_page


def search(query: str = "", filters: dict[str, list[str]] | None = None, page: int = 1) -> Results:
    """Posts matching ``query`` and ``filters`` (see :class:`PostSearch`), page ``page``."""
    selected = {name: values for name, values in (filters or {}).items() if values}
    faceted = PostSearch(query, selected)
    start = (min(page, MAX_PAGE) - 1) * PAGE_SIZE
    response = faceted[start : start + PAGE_SIZE].execute()
    return Results(
        query=query,
        filters=selected,
        total=response.hits.total.value,
        page=page,
        hits=[_hit(post) for post in response],
        facets={
            name: _buckets(
                response.facets[name],
                response.aggregations[f"_filter_{name}"],
                selected.get(name, []),
            )
            for name in FACETS
        },
        notes=faceted.parsed.notes,
    )


def _query(parsed: ParsedQuery, fields: list[str]) -> Query:
    """The query of the text (over ``fields``) and of each field term."""
    if parsed.finds_everything:
        return MatchAll()
    must: list[Query] = []
    must_not: list[Query] = []
    if parsed.text:
        must.append(_simple_query(parsed.text, fields))
    for term in parsed.terms:
        (must_not if term.negated else must).append(_simple_query(term.text, [term.field]))
    return Bool(must=must, must_not=must_not)


def _simple_query(text: str, fields: list[str]) -> Query:
    return SimpleQueryString(query=text, fields=fields, default_operator="and")


def _buckets(top: list[tuple[str, int, bool]], aggregation: Any, selected: list[str]) -> list[Bucket]:
    """The top values, then the selected values that are not among them (0 if none match)."""
    counts = {value: count for value, count, _ in top}
    shown = list(counts)
    if selected:
        counts.update((b.key, b.doc_count) for b in aggregation.selected.buckets)
        shown += [value for value in selected if value not in shown]
    return [Bucket(value, counts.get(value, 0), value in selected) for value in shown]


def _hit(post: PostDocument) -> Hit:
    highlight = post.meta.to_dict().get("highlight", {})
    title = highlight.get("title")
    summary = highlight.get("body")
    published = post.published
    return Hit(
        slug=post.slug,
        title=_html(title[0]) if title else escape(post.title),
        summary=_html(summary[0]) if summary else escape(Truncator(post.body).chars(160)),
        author=post.author,
        category=post.category,
        tags=list(post.tags),
        published=published.date() if isinstance(published, datetime) else published,
    )


def _html(fragment: str) -> SafeString:
    """A highlight fragment as HTML: its text escaped, its ``<em>`` tags kept."""
    return mark_safe(
        "".join(part if _EM.fullmatch(part) else escape(part) for part in _EM.split(fragment))
    )
