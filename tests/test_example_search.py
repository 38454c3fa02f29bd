"""The example blog's search page as a user meets it, through Django's test client.

The site runs with its own settings in a process of its own (``tests/example_client.py``: the
demo's 300 sample posts on the embedded engine, in a temporary directory), and each page is
checked against what the sample posts themselves say a search must find: the query syntax
(required words, phrases, ``-``, ``|``, ``+``, prefixes, fields), facets that keep their counts
when selected, several values at once, numbered pages, pages that do not exist, errors in the
page's layout; and the settings the environment gives.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.test_example import EXAMPLE, POSTS, environment, parse_page, words
from tests.test_example import Page as ParsedPage

pytestmark = pytest.mark.slow

CLIENT = Path(__file__).parent / "example_client.py"
PAGE_SIZE = 10
ALL = {f"/posts/{post['slug']}/" for post in POSTS}


@dataclass
class Response:
    status: int
    location: str | None
    html: str


class Site:
    """The process that answers GETs with Django's test client."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def get(self, path: str) -> Response:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(path + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "the test client's process stopped"
        return Response(**json.loads(line))

    def page(self, **params: Any) -> ParsedPage:
        response = self.get("/?" + urlencode(params, doseq=True))
        assert response.status == 200, response
        return parse_page(response.html)

    def hits(self, **params: Any) -> set[str]:
        """The posts (their URLs) of every page of a search."""
        first = self.page(**params)
        found = set(first.hits)
        for number in range(2, -(-first.total // PAGE_SIZE) + 1):
            found |= set(self.page(**params, page=number).hits)
        assert len(found) == first.total
        return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    var = tmp_path_factory.mktemp("example_search")
    process = subprocess.Popen(
        [sys.executable, str(CLIENT)],
        cwd=EXAMPLE.parent,
        env=environment(var),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "ready\n"
        yield Site(process)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(60)


# What the sample posts say a search finds


def url(post: dict[str, Any]) -> str:
    return f"/posts/{post['slug']}/"


def having(*required: str, field: str | None = None) -> set[str]:
    """The posts whose title or body (or ``field``) has every word."""

    def text(post: dict[str, Any]) -> str:
        return post[field] if field else f"{post['title']} {post['body']}"

    return {url(post) for post in POSTS if set(required) <= words(text(post))}


def with_phrase(phrase: str) -> set[str]:
    """The posts whose title or body has the words of ``phrase`` one after the other."""
    wanted = phrase.split()
    found = set()
    for post in POSTS:
        for text in (post["title"], post["body"]):
            terms = re.findall(r"[a-z]+", text.lower())
            if any(terms[i : i + len(wanted)] == wanted for i in range(len(terms))):
                found.add(url(post))
    return found


def facet_counts(posts: set[str], name: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for post in POSTS:
        if url(post) in posts:
            for value in post["tags"] if name == "tag" else [post["category"]]:
                counts[value] = counts.get(value, 0) + 1
    return counts


def in_facets(posts: set[str], category: list[str] | None = None, tag: list[str] | None = None):
    return {
        url(post)
        for post in POSTS
        if url(post) in posts
        and (not category or post["category"] in category)
        and (not tag or set(tag) & set(post["tags"]))
    }


# Query syntax


def test_every_word_is_required(site: Site) -> None:
    assert site.hits(q="coffee bread") == having("coffee", "bread")
    assert 0 < len(having("coffee", "bread")) < len(having("coffee"))


def test_minus_excludes_and_narrows(site: Site) -> None:
    lantern = site.hits(q="lantern")
    without_river = site.hits(q="lantern -river")
    assert lantern == having("lantern")
    assert without_river == having("lantern") - having("river")
    assert without_river < lantern


def test_operators_in_capitals_are_operators(site: Site) -> None:
    # AND NOT is "-", OR is "|": not words (or stopwords that would find nothing).
    assert site.hits(q="lantern AND NOT river") == site.hits(q="lantern -river")
    assert site.page(q="lantern OR river").total == len(having("lantern") | having("river"))
    assert site.page(q="lantern AND river").total == len(having("lantern", "river"))


def test_or_plus_phrase_and_prefix(site: Site) -> None:
    assert site.page(q="lantern | river").total == len(having("lantern") | having("river"))
    assert site.hits(q="+lantern +river") == having("lantern", "river")
    quoted = site.hits(q='"quiet river"')
    assert quoted == with_phrase("quiet river")
    assert quoted < having("quiet", "river")
    assert site.hits(q="lant*") == having("lantern")
    page = site.page(q="glaci*")
    assert page.total == len(having("glacier")) > 0
    assert {w.lower() for w in re.findall(r"<em>(\w+)</em>", page.html)} == {"glacier"}


def test_stopwords_do_not_empty_the_search(site: Site) -> None:
    assert site.page(q="the lantern").total == len(having("lantern"))
    assert site.page(q="a quiet river").total == len(having("quiet", "river"))


def test_field_prefixes(site: Site) -> None:
    titles = site.page(q="title:lantern")
    assert titles.total == len(having("lantern", field="title")) > 0
    # Highlights are in the titles, whose every hit has the word.
    assert all("<em>lantern</em>" in title.lower() for title in titles.hits.values())
    body_only = site.hits(q="lantern -title:lantern")
    assert body_only == having("lantern") - having("lantern", field="title")
    assert site.page(q='body:"quiet river"').total == len(
        {
            url(p)
            for p in POSTS
            if "quiet river" in " ".join(re.findall(r"[a-z]+", p["body"].lower()))
        }
    )


def test_an_unknown_field_is_searched_as_words_and_said_so(site: Site) -> None:
    page = site.page(q="colour:lantern")
    assert page.total == len(having("lantern"))
    note = re.search(r'<p class="note">(.*?)</p>', page.html)
    assert note and "colour:" in unescape(note[1]) and "title:" in note[1]


@pytest.mark.parametrize("query", ["", "*", " * "])
def test_star_or_nothing_lists_every_post_newest_first(site: Site, query: str) -> None:
    page = site.page(q=query)
    assert page.total == len(POSTS)
    newest = sorted(POSTS, key=lambda post: post["published"], reverse=True)[:PAGE_SIZE]
    assert list(page.hits) == [url(post) for post in newest]


# Facets


def test_a_selected_category_keeps_the_other_categories_and_their_counts(site: Site) -> None:
    lantern = having("lantern")
    before = site.page(q="lantern")
    assert dict(before.facets["category"]) == facet_counts(lantern, "category")
    travel = site.page(q="lantern", category="Travel")
    assert travel.total == dict(before.facets["category"])["Travel"]
    assert set(travel.hits) <= in_facets(lantern, category=["Travel"])
    # Its own facet is not filtered by the selection; the others are.
    assert travel.facets["category"] == before.facets["category"]
    assert travel.selected == {("category", "Travel")}
    assert dict(travel.facets["tag"]) == dict(
        sorted(
            facet_counts(in_facets(lantern, category=["Travel"]), "tag").items(),
            key=lambda item: (-item[1], item[0]),
        )[:8]
    )


def test_several_categories_and_tags_at_once(site: Site) -> None:
    lantern = having("lantern")
    page = site.page(q="lantern")
    # Clicking a second category adds it to the selection.
    travel = site.get(page.links[("category", "Travel")])
    travel_page = parse_page(travel.html)
    both = parse_page(site.get(travel_page.links[("category", "Music")]).html)
    assert both.selected == {("category", "Travel"), ("category", "Music")}
    counts = dict(page.facets["category"])
    assert both.total == counts["Travel"] + counts["Music"]
    assert site.hits(q="lantern", category=["Travel", "Music"]) == in_facets(
        lantern, category=["Travel", "Music"]
    )
    # Tags: any of the selected ones; categories then count within them.
    tags = ["trains", "vinyl"]  # a Travel tag and a Music one
    selected = site.page(q="lantern", category=["Travel", "Music"], tag=tags)
    expected = in_facets(lantern, category=["Travel", "Music"], tag=tags)
    assert selected.total == len(expected) > 0
    assert dict(selected.facets["category"]) == facet_counts(
        in_facets(lantern, tag=tags), "category"
    )
    assert {("tag", t) for t in tags} <= selected.selected
    # Clicking a selected value removes it from the selection.
    fewer = parse_page(site.get(selected.links[("category", "Music")]).html)
    assert fewer.selected == {("category", "Travel"), ("tag", "trains"), ("tag", "vinyl")}
    assert fewer.total == len(in_facets(lantern, category=["Travel"], tag=tags))


def test_a_selected_value_outside_the_top_ones_stays_listed(site: Site) -> None:
    everything = site.page()
    top_tags = {value for value, _ in everything.facets["tag"]}
    rare = min(
        (tag for tag in facet_counts(ALL, "tag") if tag not in top_tags),
        key=lambda tag: facet_counts(ALL, "tag")[tag],
    )
    page = site.page(tag=rare)
    assert ("tag", rare) in page.selected
    assert dict(page.facets["tag"])[rare] == page.total == facet_counts(ALL, "tag")[rare]


def test_no_results_no_empty_facet_headings(site: Site) -> None:
    response = site.get("/?q=zeppelin")
    assert response.status == 200
    assert "<h3>" not in response.html
    assert "0 posts" in response.html and "No post matches" in response.html
    # Filters that exclude each other: no hit, but each facet still offers the other's values.
    page = site.page(category="Travel", tag="vinyl")
    assert page.total == 0 and not page.hits
    vinyl = facet_counts(in_facets(ALL, tag=["vinyl"]), "category")
    assert dict(page.facets["category"]) == {**vinyl, "Travel": 0}  # selected: listed, with 0


# Pages


def pager(html: str) -> list[str]:
    nav = re.search(r'<nav class="pager" id="pages".*?</nav>', html, re.S)
    assert nav, html
    items = re.findall(r'class="page[^"]*"[^>]*>(\d+)<|<span class="gap">(…)</span>', nav[0])
    return [number or gap for number, gap in items]


def test_page_numbers(site: Site) -> None:
    first = site.get("/?q=lantern")
    total = parse_page(first.html).total
    last = -(-total // PAGE_SIZE)
    assert pager(first.html) == ["1", "2", "3", "…", str(last)]
    assert '<span class="page current" aria-current="page">1</span>' in first.html
    middle = site.get("/?q=lantern&page=7")
    assert pager(middle.html) == ["1", "…", "5", "6", "7", "8", "9", "…", str(last)]
    second = parse_page(site.get("/?q=lantern&page=2").html)
    assert len(second.hits) == PAGE_SIZE and set(second.hits).isdisjoint(
        parse_page(first.html).hits
    )
    # One page: no pager.
    assert '<nav class="pager"' not in site.get("/?q=%22quiet+river%22").html


@pytest.mark.parametrize("page", ["999", "20000"])
def test_a_page_past_the_last_redirects_to_the_last(site: Site, page: str) -> None:
    response = site.get(f"/?q=lantern&category=Travel&page={page}")
    assert response.status == 302
    total = len(in_facets(having("lantern"), category=["Travel"]))
    last = -(-total // PAGE_SIZE)
    assert response.location == f"/?q=lantern&category=Travel&page={last}"
    shown = parse_page(site.get(response.location).html)
    assert shown.total == total and len(shown.hits) == total - (last - 1) * PAGE_SIZE > 0


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "²"])
def test_a_page_that_is_not_a_number_redirects_to_the_first(site: Site, page: str) -> None:
    response = site.get("/?" + urlencode({"q": "lantern", "page": page}))
    assert response.status == 302
    assert response.location == "/?q=lantern"


def test_a_page_past_the_last_of_nothing_is_the_first(site: Site) -> None:
    response = site.get("/?q=zeppelin&page=2")
    assert response.status == 302 and response.location == "/?q=zeppelin"


def test_an_invalid_search_keeps_the_layout(site: Site) -> None:
    response = site.get("/?q=" + "x" * 201)
    assert response.status == 400
    assert "The djangoes blog" in response.html and 'name="q"' in response.html
    assert re.search(
        r'<div class="errors" role="alert">\s*<p>Search: Ensure this value', response.html
    )
    assert "errorlist" not in response.html


# Settings from the environment


SHOW_SETTINGS = (
    "from django.conf import settings; "
    "print(settings.DEBUG, settings.SECRET_KEY, ','.join(settings.ALLOWED_HOSTS))"
)


def show_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The example's settings in a process whose environment has ``env`` (and no other
    ``DJANGOES_`` variable than the example's directory)."""
    base = environment(tmp_path)
    base = {k: v for k, v in base.items() if not k.startswith("DJANGOES_")}
    base["DJANGOES_EXAMPLE_DIR"] = str(tmp_path)
    command = ["shell", "--verbosity", "0", "-c", SHOW_SETTINGS]
    return subprocess.run(
        [sys.executable, str(EXAMPLE / "manage.py"), *command],
        cwd=EXAMPLE.parent,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_settings_default_to_a_local_demo_with_debug_off(tmp_path: Path) -> None:
    result = show_settings(tmp_path)
    assert result.stdout.split() == [
        "False",
        "django-insecure-example-blog-not-secret",
        "127.0.0.1,localhost",
    ], result.stderr


def test_settings_from_the_environment(tmp_path: Path) -> None:
    result = show_settings(
        tmp_path,
        DJANGOES_DEBUG="yes",
        DJANGOES_SECRET_KEY="s3cret",
        DJANGOES_ALLOWED_HOSTS="blog.example.org, www.example.org",
    )
    assert result.stdout.split() == ["True", "s3cret", "blog.example.org,www.example.org"]
    assert show_settings(tmp_path, DJANGOES_DEBUG="0").stdout.split()[0] == "False"


def test_a_debug_value_that_is_not_a_flag_is_an_error(tmp_path: Path) -> None:
    result = show_settings(tmp_path, DJANGOES_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGOES_DEBUG='maybe': expected 1/true/yes/on or 0/false/no/off" in result.stderr


# Screenshots


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"no {CHROMIUM}: the screenshots need Debian's chromium (apt-get install chromium)",
)
def test_the_screenshot_script_takes_small_pngs(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    result = subprocess.run(
        [sys.executable, str(EXAMPLE.parent / "scripts" / "screenshots.py"), "--out", str(out)],
        cwd=EXAMPLE.parent,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    names = {"demo-front", "demo-query", "demo-facets", "demo-pages"}
    assert {path.stem for path in out.iterdir()} == names
    for name in names:
        png = (out / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[12:16] == b"IHDR"
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert 800 <= width <= 1280 and 700 <= height <= 1100, (name, width, height)
        assert len(png) < 200_000, name
    # The documented pictures are the ones the script takes.
    docs = (EXAMPLE.parent / "docs" / "example.md").read_text()
    readme = (EXAMPLE.parent / "README.md").read_text()
    for name in names:
        assert f"(_static/{name}.png)" in docs
        assert (EXAMPLE.parent / "docs" / "_static" / f"{name}.png").exists()
    assert "(docs/_static/demo-facets.png)" in readme
