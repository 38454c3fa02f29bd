"""Posts in Elasticsearch: the document of a post, and the blog's search.

``documents()`` yields every post's document: what ``load_posts`` indexes, and the kind of
callable an index rebuild takes as its source. ``search()`` is one request through
``djangoes.connection``, whose index (the ``blog_posts`` alias) comes from settings: the query
(``simple_query_string``, from what :mod:`.query` makes of the search box), the facets'
selections as ``post_filter``, each facet's counts under the other facets' selections, highlights
and a page of hits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from djangoes import connection

from .models import Post
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
HIGHLIGHT = {
    "fields": {
        "title": {"number_of_fragments": 0},
        "body": {"fragment_size": 160, "number_of_fragments": 1},
    },
}
_EM = re.compile(r"(</?em>)")


def document(post: Post) -> dict[str, Any]:
    return {
        "title": post.title,
        "slug": post.slug,
        "author": post.author,
        "category": post.category,
        "tags": list(post.tags),
        "body": post.body,
        "published": post.published.isoformat(),
    }


def documents() -> Iterator[tuple[str, dict[str, Any]]]:
    """``(id, document)`` for every post."""
    for post in Post.objects.order_by("pk").iterator():
        yield str(post.pk), document(post)


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
    """Posts matching ``query`` (all posts if empty or ``*``) and ``filters``.

    As faceted search does, the selected values filter the hits (``post_filter``) and the other
    facets' counts, never their own facet's: the other values of a facet keep their counts,
    to be added to the selection.
    """
    selected = {name: values for name, values in (filters or {}).items() if values}
    parsed = parse(query)
    response = connection.search(
        query=_query(parsed),
        post_filter={"bool": {"filter": _facet_filters(selected)}},
        aggs={
            name: {
                "filter": {"bool": {"filter": _facet_filters(selected, but=name)}},
                "aggs": _facet_aggs(facet, selected.get(name, [])),
            }
            for name, facet in FACETS.items()
        },
        highlight=HIGHLIGHT,
        sort=[{"published": "desc"}]
        if parsed.finds_everything
        else ["_score", {"published": "desc"}],
        from_=(min(page, MAX_PAGE) - 1) * PAGE_SIZE,
        size=PAGE_SIZE,
    )
    aggregations = response["aggregations"]
    return Results(
        query=query,
        filters=selected,
        total=response["hits"]["total"]["value"],
        page=page,
        hits=[_hit(hit) for hit in response["hits"]["hits"]],
        facets={name: _buckets(aggregations[name], selected.get(name, [])) for name in FACETS},
        notes=parsed.notes,
    )


def _query(parsed: ParsedQuery) -> dict[str, Any]:
    """The query of the text (over title and body) and of each field term."""
    if parsed.finds_everything:
        return {"match_all": {}}
    clauses: dict[str, list[dict[str, Any]]] = {"must": [], "must_not": []}
    if parsed.text:
        clauses["must"].append(_simple_query(parsed.text, ["title^2", "body"]))
    for term in parsed.terms:
        clause = _simple_query(term.text, [term.field])
        clauses["must_not" if term.negated else "must"].append(clause)
    return {"bool": clauses}


def _simple_query(text: str, fields: list[str]) -> dict[str, Any]:
    return {"simple_query_string": {"query": text, "fields": fields, "default_operator": "and"}}


def _facet_filters(selected: dict[str, list[str]], but: str | None = None) -> list[dict[str, Any]]:
    """One ``terms`` filter per facet with a selection (but ``but``): any of its values."""
    return [
        {"terms": {FACETS[name].field: values}} for name, values in selected.items() if name != but
    ]


def _facet_aggs(facet: Facet, selected: list[str]) -> dict[str, Any]:
    """The facet's most frequent values, and the selected ones (which may not be among them)."""
    aggs: dict[str, Any] = {"top": {"terms": {"field": facet.field, "size": facet.size}}}
    if selected:
        aggs["selected"] = {
            "terms": {"field": facet.field, "include": selected, "size": len(selected)}
        }
    return aggs


def _buckets(aggregation: dict[str, Any], selected: list[str]) -> list[Bucket]:
    """The top values, then the selected values that are not among them (0 if none match)."""
    counts = {b["key"]: b["doc_count"] for b in aggregation["top"]["buckets"]}
    shown = list(counts)
    if selected:
        counts.update((b["key"], b["doc_count"]) for b in aggregation["selected"]["buckets"])
        shown += [value for value in selected if value not in shown]
    return [Bucket(value, counts.get(value, 0), value in selected) for value in shown]


def _hit(hit: dict[str, Any]) -> Hit:
    source, highlight = hit["_source"], hit.get("highlight", {})
    title = highlight.get("title")
    summary = highlight.get("body")
    return Hit(
        slug=source["slug"],
        title=_html(title[0]) if title else escape(source["title"]),
        summary=_html(summary[0]) if summary else escape(Truncator(source["body"]).chars(160)),
        author=source["author"],
        category=source["category"],
        tags=source["tags"],
        published=date.fromisoformat(source["published"]),
    )


def _html(fragment: str) -> SafeString:
    """A highlight fragment as HTML: its text escaped, its ``<em>`` tags kept."""
    return mark_safe(
        "".join(part if _EM.fullmatch(part) else escape(part) for part in _EM.split(fragment))
    )
