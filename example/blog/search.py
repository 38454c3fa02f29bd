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
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from elasticsearch.dsl import FacetedResponse, Search, TermsFacet
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


class PostSearch(FacetedSearch):
    """Posts matching a query (all posts if empty or ``*``) and facet filters.

    As faceted search does, the selected values filter the hits (``post_filter``) and the other
    facets' counts, never their own facet's: the other values of a facet keep their counts,
    to be added to the selection.
    """

    doc_types = [PostDocument]
    fields = ["title^2", "body"]  # what the query's text searches
    facets = {
        name: TermsFacet(field=facet.field, size=facet.size) for name, facet in FACETS.items()
    }

    def __init__(self, query: str, filters: dict[str, list[str]]) -> None:
        self.parsed = parse(query)
        sort = ["-published"] if self.parsed.finds_everything else ["_score", "-published"]
        super().__init__(query, filters, sort)

    def query(self, search: Search, query: str) -> Search:
        """The query of the search box's text, parsed once in ``__init__``."""
        return search.query(_query(self.parsed, list(self.fields)))

    def highlight(self, search: Search) -> Search:
        return search.highlight("title", number_of_fragments=0).highlight(
            "body", fragment_size=160, number_of_fragments=1
        )

    def aggregate(self, search: Search) -> None:
        """Each facet's most frequent values, and its selected ones (which may not be among
        them), counted under the other facets' selections."""
        super().aggregate(search)
        for name, values in self.filter_values.items():
            search.aggs[_facet_agg(name)].bucket(
                "selected", "terms", field=FACETS[name].field, include=values, size=len(values)
            )

    def buckets(self, response: FacetedResponse, name: str) -> list[Bucket]:
        """A facet's top values, then its selected values that are not among them (0 if none
        match)."""
        selected = self.filter_values.get(name, [])
        counts = {value: count for value, count, _ in response.facets[name]}
        shown = list(counts)
        if selected:
            aggregation = response.aggregations[_facet_agg(name)]
            counts.update((bucket.key, bucket.doc_count) for bucket in aggregation.selected.buckets)
            shown += [value for value in selected if value not in shown]
        return [Bucket(value, counts.get(value, 0), value in selected) for value in shown]


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
        facets={name: faceted.buckets(response, name) for name in FACETS},
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


def _facet_agg(name: str) -> str:
    """The aggregation FacetedSearch counts a facet's values in: a filter of the other facets'
    selections."""
    return f"_filter_{name}"


def _hit(post: PostDocument) -> Hit:
    highlight = post.meta.to_dict().get("highlight", {})
    title = highlight.get("title")
    summary = highlight.get("body")
    return Hit(
        slug=post.slug,
        title=_html(title[0]) if title else escape(post.title),
        summary=_html(summary[0]) if summary else escape(Truncator(post.body).chars(160)),
        author=post.author,
        category=post.category,
        tags=list(post.tags),
        published=post.published.date(),  # Date fields are read as datetimes
    )


def _html(fragment: str) -> SafeString:
    """A highlight fragment as HTML: its text escaped, its ``<em>`` tags kept."""
    return mark_safe(
        "".join(part if _EM.fullmatch(part) else escape(part) for part in _EM.split(fragment))
    )
