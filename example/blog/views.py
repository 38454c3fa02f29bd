"""The search page: a query, facets to narrow it, numbered pages; and a post's page.

A page number that is not one (``page=abc``, ``page=0``) or past the last page redirects to the
nearest page that exists, so a pasted or stale link still shows posts.
"""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render

from .forms import SearchForm
from .models import Post
from .search import FACETS, MAX_PAGE, Bucket, Results

#: Page numbers shown on each side of the current page (the first and last always are).
PAGER_SPAN = 2


@dataclass
class FacetLink:
    value: str
    count: int
    selected: bool
    url: str  # this page with the value added to the selection, or removed if it is in it


@dataclass
class PageLink:
    number: int | None  # None: a gap ("…")
    url: str
    current: bool


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "blog/search.html", {"form": form}, status=400)
    page = _page_number(request.GET.get("page"))
    if page is None:
        return HttpResponseRedirect(request.path + _url(request, page=None))
    results = form.results(min(page, MAX_PAGE))
    if page > results.last_page:
        return HttpResponseRedirect(request.path + _url(request, page=results.last_page))
    context: dict[str, Any] = {
        "form": form,
        "results": results,
        "facets": [
            (FACETS[name].label, name, [_facet_link(request, name, b) for b in buckets])
            for name, buckets in results.facets.items()
            if buckets
        ],
        "active_filters": [
            (name, value, _toggle_url(request, name, value))
            for name, values in results.filters.items()
            for value in values
        ],
        "pages": _pages(request, results),
    }
    if results.page > 1:
        context["previous_url"] = _url(request, page=results.page - 1)
    if results.has_next:
        context["next_url"] = _url(request, page=results.page + 1)
    return render(request, "blog/search.html", context)


def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "blog/post_detail.html", {"post": get_object_or_404(Post, slug=slug)})


def _page_number(value: str | None) -> int | None:
    """The page asked for: 1 if none, None if the value is not a page number."""
    if value is None:
        return 1
    return int(value) if value.isascii() and value.isdigit() and int(value) >= 1 else None


def _pages(request: HttpRequest, results: Results) -> list[PageLink]:
    """1 … the pages around the current one … the last; nothing when there is one page."""
    last, current = results.last_page, results.page
    if last == 1:
        return []
    shown = {1, last, *range(max(1, current - PAGER_SPAN), min(last, current + PAGER_SPAN) + 1)}
    links: list[PageLink] = []
    for number in sorted(shown):
        if links and links[-1].number is not None and number > links[-1].number + 1:
            links.append(PageLink(None, "", False))
        links.append(PageLink(number, _url(request, page=number), number == current))
    return links


def _facet_link(request: HttpRequest, name: str, bucket: Bucket) -> FacetLink:
    url = _toggle_url(request, name, bucket.value)
    return FacetLink(bucket.value, bucket.count, bucket.selected, url)


def _toggle_url(request: HttpRequest, name: str, value: str) -> str:
    """This page with ``value`` added to ``name``'s selection, or removed; back to page 1."""
    params: QueryDict = request.GET.copy()
    values = params.getlist(name)
    params.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    params.pop("page", None)
    return f"?{params.urlencode()}"


def _url(request: HttpRequest, *, page: int | None) -> str:
    """This page's URL at page ``page`` (page 1 has no parameter)."""
    params: QueryDict = request.GET.copy()
    params.pop("page", None)
    if page is not None and page > 1:
        params["page"] = str(page)
    return f"?{params.urlencode()}"
