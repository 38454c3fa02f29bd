from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render

from .forms import SearchForm
from .models import Post
from .search import FACETS, Bucket


@dataclass
class FacetLink:
    value: str
    count: int
    selected: bool
    url: str  # this page filtered by the value, or unfiltered if it is the selected one


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        results = form.results()
        context["results"] = results
        context["facets"] = [
            (FACETS[name].label, name, [_link(request, name, bucket) for bucket in buckets])
            for name, buckets in results.facets.items()
        ]
        context["active_filters"] = [
            (name, value, _url(request, name, None)) for name, value in results.filters.items()
        ]
        if results.page > 1:
            context["previous_url"] = _url(request, "page", str(results.page - 1))
        if results.has_next:
            context["next_url"] = _url(request, "page", str(results.page + 1))
    return render(request, "blog/search.html", context)


def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "blog/post_detail.html", {"post": get_object_or_404(Post, slug=slug)})


def _link(request: HttpRequest, name: str, bucket: Bucket) -> FacetLink:
    url = _url(request, name, None if bucket.selected else bucket.value)
    return FacetLink(bucket.value, bucket.count, bucket.selected, url)


def _url(request: HttpRequest, name: str, value: str | None) -> str:
    """This page's URL with ``name`` set to ``value`` (or removed); a filter goes to page 1."""
    params: QueryDict = request.GET.copy()
    params.pop(name, None)
    if name in FACETS:
        params.pop("page", None)
    if value is not None:
        params[name] = value
    return f"?{params.urlencode()}"
