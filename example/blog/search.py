"""Posts in Elasticsearch: the document of a post, and the blog's search.

``documents()`` yields every post's document: what ``load_posts`` indexes, and the kind of
callable an index rebuild takes as its source. Searches go through ``djangoes.connection``,
whose index (the ``blog_posts`` alias) comes from settings.
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

PAGE_SIZE = 10


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
    filters: dict[str, str]
    total: int
    page: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[Bucket]] = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return self.page * PAGE_SIZE < self.total


def search(query: str = "", filters: dict[str, str] | None = None, page: int = 1) -> Results:
    """Posts matching ``query`` (all posts if empty) and ``filters``, by relevance or date."""
    filters = {name: value for name, value in (filters or {}).items() if value}
    must = (
        {"multi_match": {"query": query, "fields": ["title^2", "body"]}}
        if query
        else {"match_all": {}}
    )
    response = connection.search(
        query={
            "bool": {
                "must": must,
                "filter": [
                    {"term": {FACETS[name].field: value}} for name, value in filters.items()
                ],
            }
        },
        aggs={
            name: {"terms": {"field": facet.field, "size": facet.size}}
            for name, facet in FACETS.items()
        },
        highlight=HIGHLIGHT,
        sort=["_score", {"published": "desc"}] if query else [{"published": "desc"}],
        from_=(page - 1) * PAGE_SIZE,
        size=PAGE_SIZE,
    )
    return Results(
        query=query,
        filters=filters,
        total=response["hits"]["total"]["value"],
        page=page,
        hits=[_hit(hit) for hit in response["hits"]["hits"]],
        facets={
            name: [
                Bucket(b["key"], b["doc_count"], b["key"] == filters.get(name))
                for b in response["aggregations"][name]["buckets"]
            ]
            for name in FACETS
        },
    )


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
