"""The example site (``example/``), run as the README runs it: ``manage.py demo`` in a process.

What the demo prints and the page serves is checked against the sample posts themselves
(``example/blog/sample.py`` generates them deterministically): totals, hits, highlights and
facet counts. The site runs in its own processes, with its own settings, as the sample project.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.embedded.servers import serve
from tests.support import free_port

EXAMPLE = Path(__file__).parent.parent / "example"
COUNT = 300
TOP_HITS = 3
TAG_FACET_SIZE = 8

pytestmark = pytest.mark.slow


def load_sample() -> ModuleType:
    """``example/blog/sample.py``, plain Python, loaded without the example's Django project."""
    spec = importlib.util.spec_from_file_location("example_sample", EXAMPLE / "blog" / "sample.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


POSTS: list[dict[str, Any]] = list(load_sample().posts(COUNT))


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def matching(query: str, filters: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The sample posts a search must find: every query word in the title or body (sample words
    are never inflected and never share a stem), and for each filter one of its values."""
    return [
        post
        for post in POSTS
        if words(query) <= words(f"{post['title']} {post['body']}")
        and (not filters.get("category") or post["category"] in filters["category"])
        and (not filters.get("tag") or set(filters["tag"]) & set(post["tags"]))
    ]


def check_facets(
    facets: dict[str, list[tuple[str, int]]], query: str, filters: dict[str, list[str]]
) -> None:
    """Each facet counts the posts of the query and of the other facets' filters (a facet's own
    selection does not hide its other values): categories all, tags the top ones by count then
    name."""
    others = {name: values for name, values in filters.items() if name != "category"}
    posts = matching(query, others)
    assert dict(facets.get("category", [])) == Counter(post["category"] for post in posts)
    posts = matching(query, {name: values for name, values in filters.items() if name != "tag"})
    tags = Counter(tag for post in posts for tag in post["tags"])
    expected = sorted(tags.items(), key=lambda item: (-item[1], item[0]))[:TAG_FACET_SIZE]
    assert facets.get("tag", []) == expected


# Running the example


def environment(var: Path, url: str | None = None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_SETTINGS", "PYTEST_", "DJANGOES_ES_URL"))
    }
    env["DJANGOES_EXAMPLE_DIR"] = str(var)
    if url is not None:
        env["DJANGOES_ES_URL"] = url
    return env


def manage(var: Path, *args: str, url: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, str(EXAMPLE / "manage.py"), *args],
        cwd=EXAMPLE.parent,
        env=environment(var, url),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@dataclass
class Search:
    query: str
    filters: dict[str, list[str]]
    total: int
    hits: list[dict[str, str]] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


HEADER = re.compile(
    r'Search "(?P<query>[^"]*)"(?P<filters>( in \w+ [^(]+?)*) \((?P<total>\d+) posts?\)'
)
HIT = re.compile(
    r"  \d+\. (?P<title>.+?)  \[(?P<category>.+), by (?P<author>.+), (?P<published>[\d-]+)\]"
)
FACET_LINE = re.compile(r"  (?P<label>Categories|Tags): (?P<counts>.+)")


def parse_demo(output: str) -> list[Search]:
    searches: list[Search] = []
    lines = iter(output.splitlines())
    for line in lines:
        if header := HEADER.fullmatch(line):
            found = re.findall(r" in (\w+) ([^(]+?)(?= in |$)", header["filters"])
            filters = {name: values.split(" or ") for name, values in found}
            searches.append(Search(header["query"], filters, int(header["total"])))
        elif hit := HIT.fullmatch(line):
            searches[-1].hits.append({**hit.groupdict(), "summary": next(lines).strip()})
        elif facet := FACET_LINE.fullmatch(line):
            name = "category" if facet["label"] == "Categories" else "tag"
            counts = [item.rpartition(" ") for item in facet["counts"].split(", ")]
            searches[-1].facets[name] = [(value, int(count)) for value, _, count in counts]
    return searches


@pytest.fixture(scope="module")
def var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("example")


@pytest.fixture(scope="module")
def demo(var: Path) -> str:
    return manage(var, "demo")


# The demo's output


def test_the_readme_runs_this_demo() -> None:
    readme = (EXAMPLE.parent / "README.md").read_text()
    command = re.search(r"<!-- demo-command -->\n```sh\n(.+)\n```", readme)
    assert command, "no demo command after <!-- demo-command --> in README.md"
    assert command[1].startswith(
        "python3 -m pip install --quiet --upgrade --target .uv uv && .uv/bin/uv run --locked "
    )
    assert command[1].endswith(" python example/manage.py demo")


def test_the_demo_ends_with_the_readme_command_that_serves_it(demo: str) -> None:
    """The README's demo command, without its install of uv (done by then), with --serve."""
    readme = (EXAMPLE.parent / "README.md").read_text()
    command = re.search(r"<!-- demo-command -->\n```sh\n(.+)\n```", readme)
    assert command, "no demo command after <!-- demo-command --> in README.md"
    _, run = command[1].split(" && ", 1)
    expected = f"Serve the search page on http://127.0.0.1:8000/ with: {run} --serve"
    assert demo.rstrip().splitlines()[-1] == expected


def test_the_demo_prints_searches_that_match_the_sample_posts(demo: str) -> None:
    searches = parse_demo(demo)
    assert len(searches) >= 3, demo
    assert any(search.filters for search in searches), "no search shows a facet filter"
    for search in searches:
        expected = matching(search.query, search.filters)
        assert search.total == len(expected) > TOP_HITS, search
        assert len(search.hits) == TOP_HITS
        posts = {(p["title"], p["category"], p["author"], str(p["published"])) for p in expected}
        for hit in search.hits:
            title = hit["title"].replace("*", "")
            assert (title, hit["category"], hit["author"], hit["published"]) in posts, hit
            highlighted = re.findall(r"\*(\w+)\*", hit["title"] + hit["summary"])
            assert highlighted, hit
            assert {word.lower() for word in highlighted} <= words(search.query)
        check_facets(search.facets, search.query, search.filters)


def test_the_demo_describes_what_it_built(demo: str, var: Path) -> None:
    assert f"data in {var / 'search'}" in demo
    assert "Index: blog_posts_v1 created, aliases: blog_posts" in demo
    assert f"{COUNT} sample posts saved, {COUNT} posts indexed." in demo


def test_the_demo_on_a_cluster_by_url(demo: str, tmp_path: Path) -> None:
    process, url = serve()  # the embedded engine's HTTP server stands in for Elasticsearch
    try:
        output = manage(tmp_path, "demo", url=url)
    finally:
        process.terminate()
        process.wait(30)
    assert f"Elasticsearch at {url} (http transport)" in output
    assert not (tmp_path / "search").exists()
    assert parse_demo(output) == parse_demo(demo)


# The page it serves


@dataclass
class Site:
    url: str
    output: str  # what demo --serve printed before serving


@pytest.fixture(scope="module")
def site(demo: str, var: Path) -> Iterator[Site]:
    """``demo --serve``, run a second time on the same directory."""
    port = free_port()
    with (var / "server.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, str(EXAMPLE / "manage.py"), "demo", "--serve", "--port", str(port)],
            cwd=EXAMPLE.parent,
            env={**environment(var), "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    try:
        output = ""
        while "Quit the server" not in output:
            line = process.stdout.readline()
            if not line:
                pytest.fail(f"demo --serve stopped: {output}{(var / 'server.log').read_text()}")
            output += line
        site = Site(f"http://127.0.0.1:{port}/", output)
        wait_until_served(site.url)
        yield site
    finally:
        process.terminate()
        process.wait(30)


def wait_until_served(url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        return response.read().decode()


FACET_LINK = re.compile(
    r'<a class="facet(?P<selected> selected)?" data-facet="(?P<name>\w+)" '
    r'href="(?P<href>[^"]*)">(?P<value>[^<]+) <span class="count">(?P<count>\d+)</span></a>'
)


@dataclass
class Page:
    html: str
    total: int
    hits: dict[str, str]  # post URL: title (HTML)
    links: dict[tuple[str, str], str]  # (facet, value): href
    facets: dict[str, list[tuple[str, int]]]
    selected: set[tuple[str, str]]


def parse_page(html: str) -> Page:
    total = re.search(r'<p class="total">\s*(\d+) posts?', html)
    assert total, html
    hits = dict(re.findall(r'<h2><a href="(/posts/[\w-]+/)">(.*?)</a></h2>', html))
    page = Page(html, int(total[1]), hits, {}, {}, set())
    for link in FACET_LINK.finditer(html):
        key = (link["name"], unescape(link["value"]))
        page.links[key] = unescape(link["href"])
        page.facets.setdefault(link["name"], []).append((key[1], int(link["count"])))
        if link["selected"]:
            page.selected.add(key)
    return page


def test_the_second_run_prints_the_same_searches(demo: str, site: Site) -> None:
    assert parse_demo(site.output) == parse_demo(demo)
    assert f"Starting development server at {site.url}" in site.output


def test_the_search_page_highlights_and_counts(site: Site) -> None:
    page = parse_page(get(site.url + "?q=coffee+bread"))
    expected = matching("coffee bread", {})
    assert page.total == len(expected)
    assert len(page.hits) == 10
    highlighted = {w.lower() for w in re.findall(r"<em>(\w+)</em>", page.html)}
    assert highlighted and highlighted <= {"coffee", "bread"}
    check_facets(page.facets, "coffee bread", {})
    # Text is escaped, highlights are not: "Soup & Bread" is "Soup &amp; <em>Bread</em>".
    assert "Food &amp; Drink" in page.html and "Food & Drink" not in page.html
    assert any(re.search(r"&amp; (<em>)?\w+", title) for title in page.hits.values())


def test_facets_filter_when_clicked(site: Site) -> None:
    url = site.url
    page = parse_page(get(url + "?q=lantern"))
    count = dict(page.facets["category"])["Food & Drink"]
    food = {"category": ["Food & Drink"]}
    filtered = parse_page(get(url + page.links[("category", "Food & Drink")]))
    assert filtered.total == count == len(matching("lantern", food))
    assert filtered.selected == {("category", "Food & Drink")}
    check_facets(filtered.facets, "lantern", food)
    assert filtered.facets["category"] == page.facets["category"]  # the others stay
    # A tag narrows the category; clicking the selected category removes it.
    tag, tag_count = filtered.facets["tag"][0]
    both = parse_page(get(url + filtered.links[("tag", tag)]))
    assert both.total == tag_count == len(matching("lantern", {**food, "tag": [tag]}))
    assert both.selected == {("category", "Food & Drink"), ("tag", tag)}
    tag_only = parse_page(get(url + both.links[("category", "Food & Drink")]))
    assert tag_only.total == len(matching("lantern", {"tag": [tag]}))
    assert tag_only.selected == {("tag", tag)}


def test_demo_serve_turns_debug_on(site: Site) -> None:
    # Off by default in the settings (tests/test_example_search.py); a local demo shows
    # Django's technical pages.
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(site.url + "no-such-page/", timeout=30)
    assert error.value.code == 404
    assert "Using the URLconf defined in" in error.value.read().decode()


def test_pages_and_posts(site: Site) -> None:
    first = parse_page(get(site.url + "?q=lantern"))
    next_url = re.search(r'<a href="([^"]+)" rel="next">', first.html)
    assert next_url
    second = parse_page(get(site.url + unescape(next_url[1])))
    assert len(second.hits) == 10 and second.hits.keys().isdisjoint(first.hits)
    path = next(iter(first.hits))
    post = next(post for post in POSTS if f"/posts/{post['slug']}/" == path)
    assert post["body"] in get(site.url.rstrip("/") + path)


SIGNALS_SCRIPT = """
from datetime import date
from io import StringIO
from django.core.management import call_command
from django.db import transaction
from blog.models import Post
from blog.search import search
from djangoes import connection

def show(*queries):
    connection.refresh()
    print(*(search(query).total for query in queries))

call_command("demo", count=10, stdout=StringIO())
post = Post.objects.create(
    title="Zeppelin <over> the harbour", slug="zeppelin", author="Test", category="Travel",
    tags=["airships"], body="A zeppelin.", published=date(2025, 1, 1),
)
show("zeppelin")
print(search("zeppelin").hits[0].title)
post.title, post.body = "Airship over the harbour", "An airship."
post.save()
show("zeppelin", "airship")
with transaction.atomic():
    Post.objects.create(
        title="Zeppelin rolled back", slug="rolled-back", author="Test", category="Travel",
        body="", published=date(2025, 1, 1),
    )
    transaction.set_rollback(True)
show("zeppelin")
post.delete()
show("airship")
"""


def test_saving_and_deleting_posts_updates_the_index(tmp_path: Path) -> None:
    # A Post saved, changed or deleted reaches the index through the signal receivers; a
    # rolled-back one does not. (A directory of its own: the served demo holds the other.)
    output = manage(tmp_path, "shell", "--verbosity", "0", "-c", SIGNALS_SCRIPT)
    assert output.splitlines() == [
        "1",
        "<em>Zeppelin</em> &lt;over&gt; the harbour",
        "0 1",
        "0",
        "0",
    ]
