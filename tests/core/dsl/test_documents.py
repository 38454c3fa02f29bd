"""``djangoes.dsl.Document`` on a real server, over HTTP and in this process.

A Document declared on an ``ES_INDICES`` entry writes to the live index, to the test index in
test mode, and through the alias a rebuild moves; its writes are journaled for a running
rebuild; ``using=`` is a djangoes alias; its requests are the connection's.
"""

from __future__ import annotations

import io
import threading
import unittest
import uuid
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from elastic_transport import SerializationError
from elasticsearch import Elasticsearch
from elasticsearch.dsl import Q, Search, TermsFacet, Text
from elasticsearch.dsl import connections as dsl_connections

from djangoes import connections
from djangoes import test as djangoes_test
from djangoes.backends.abstracts import Base
from djangoes.dsl import ConnectionClient, Document, FacetedSearch, index_name
from djangoes.rebuild import rebuild
from djangoes.rebuild.names import marker
from djangoes.rebuild.process import JOURNAL_MAPPINGS
from djangoes.test.utils import CaptureRequestsContext, teardown_djangoes, test_indices
from djangoes_engine.engines import close_engine

from .documents import NoteDocument, PostDocument, Unbound

pytestmark = pytest.mark.usefixtures("configured")


def create_indices() -> str:
    """``manage.py es_indices create``: what a deployment runs; its output."""
    out = io.StringIO()
    call_command("es_indices", "create", stdout=out, stderr=out)
    return out.getvalue()


def post(doc_id: str, title: str, *tags: str) -> PostDocument:
    return PostDocument(meta={"id": doc_id}, title=title, tags=list(tags), year=2026)


def hits(search: Any) -> list[tuple[str, str, str]]:
    """(id, class name, title) of each hit, by id."""
    found = [(h.meta.id, type(h).__name__, h.title) for h in search.execute()]
    return sorted(found)


# The live index


def test_a_document_writes_to_the_live_index(raw: Any, prefix: str) -> None:
    create_indices()
    assert post("1", "hello world", "published").save(refresh=True) == "created"
    assert raw.get(index=f"{prefix}posts", id="1")["_source"]["title"] == "hello world"
    assert hits(PostDocument.search().query("match", title="hello")) == [
        ("1", "PostDocument", "hello world")
    ]
    found = PostDocument.get("1")
    assert found is not None and found.meta.index == f"{prefix}posts"
    found.update(title="hello again", refresh=True)
    assert raw.get(index=f"{prefix}posts", id="1")["_source"]["title"] == "hello again"
    found.delete(refresh=True)
    assert not PostDocument.exists("1")


def test_bulk_and_mget(raw: Any, prefix: str) -> None:
    create_indices()
    assert PostDocument.bulk([post(str(n), f"post {n}") for n in range(5)], refresh=True) == (
        5,
        [],
    )
    assert raw.count(index=f"{prefix}posts")["count"] == 5
    assert [d.title for d in PostDocument.mget(["0", "4"])] == ["post 0", "post 4"]


def test_the_index_is_named_when_used(prefix: str, settings_of: Any) -> None:
    assert index_name("posts") == f"{prefix}posts"
    with settings_of(NAME=f"{prefix}renamed", ALIASES=[f"{prefix}posts-w", f"{prefix}more"]):
        assert index_name("posts") == f"{prefix}posts-w"  # the first alias, as requests use
        assert PostDocument.search()._index == [f"{prefix}posts-w"]


def test_values_read_through_dsl_can_be_written_back(raw: Any, prefix: str) -> None:
    """AttrDict and AttrList values, and DSL queries, in any request of a connection: written
    as DSL's own client writes them (its serializer), whatever the backend's serializers."""
    create_indices()
    post("1", "first").save(refresh=True)
    raw.update(index=f"{prefix}posts", id="1", doc={"extra": {"names": ["a", "b"]}}, refresh=True)
    first = PostDocument.get("1")
    assert type(first.extra).__name__ == "AttrDict"
    copy = PostDocument(meta={"id": "2"}, title="copy", extra=first.extra, tags=first.extra.names)
    copy.save(refresh=True)
    assert raw.get(index=f"{prefix}posts", id="2")["_source"] == {
        "title": "copy",
        "extra": {"names": ["a", "b"]},
        "tags": ["a", "b"],
    }
    PostDocument.bulk([{"_id": "3", "_source": {"title": "bulk", "extra": first.extra}}])
    found = connections["default"].search(query=Q("match", title="copy"))
    assert [hit["_id"] for hit in found["hits"]["hits"]] == ["2"]
    with pytest.raises(SerializationError):  # what is not DSL's is still refused
        PostDocument(meta={"id": "4"}, title="x", extra=object()).save()


def test_an_index_template_of_the_document_keeps_its_pattern(prefix: str) -> None:
    template = PostDocument._index.as_template(f"{prefix}template", f"{prefix}archive-*")
    assert template.to_dict()["index_patterns"] == [f"{prefix}archive-*"]
    assert template.to_dict()["mappings"]["properties"]["tags"] == {"type": "keyword"}
    assert PostDocument._index._name == f"{prefix}posts"  # the Document's own: unchanged


# Test mode


def test_in_test_mode_a_document_writes_to_the_test_index(
    raw: Any, prefix: str, test_mode: None
) -> None:
    teardown_djangoes()
    create_indices()
    post("live", "live post").save(refresh=True)
    from djangoes.test.utils import setup_djangoes

    setup_djangoes()
    for found in test_indices():
        found.create(keepdb=False, interactive=False, verbosity=0)
    raw = connections["default"].client  # a new connection, on the test names
    post("t1", "test post").save(refresh=True)
    assert raw.get(index=f"{prefix}posts_test", id="t1")["found"]
    assert raw.count(index=f"{prefix}posts")["count"] == 1  # the live index: untouched
    assert not raw.exists(index=f"{prefix}posts", id="t1")
    assert hits(PostDocument.search()) == [("t1", "PostDocument", "test post")]
    # The test index was created from the Document, less its live aliases.
    created = raw.indices.get(index=f"{prefix}posts_test")[f"{prefix}posts_test"]
    assert created["mappings"]["properties"]["tags"] == {"type": "keyword"}
    assert created["aliases"] == {}
    for found in test_indices():
        found.destroy(verbosity=0)


def test_init_creates_the_configured_index(prefix: str, settings_of: Any) -> None:
    with settings_of(ALIASES=[f"{prefix}posts-w"]):
        raw = connections["default"].client
        PostDocument.init()
        created = raw.indices.get(index=f"{prefix}posts")[f"{prefix}posts"]
        assert set(created["aliases"]) == {f"{prefix}posts-w", "published"}
        assert created["mappings"]["properties"]["title"] == {"type": "text"}
        with CaptureRequestsContext(connections["default"]) as requests:
            post("1", "through the alias").save()
        assert requests[-1]["path"] == f"/{prefix}posts-w/_doc/1"
        PostDocument.init()  # exists: its mappings only, through the alias
        raw.indices.delete(index=f"{prefix}posts")


def test_init_in_test_mode_leaves_out_live_aliases(prefix: str, settings_of: Any) -> None:
    from djangoes.test.utils import setup_djangoes

    with settings_of(ALIASES=[f"{prefix}posts-w"]):
        setup_djangoes()
        try:
            PostDocument.init()
            client = connections["default"].client
            created = client.indices.get(index=f"{prefix}posts_test")[f"{prefix}posts_test"]
            assert set(created["aliases"]) == {f"{prefix}posts-w_test"}  # not 'published'
            client.indices.delete(index=f"{prefix}posts_test")
        finally:
            teardown_djangoes()


# Rebuilds


PUBLISHED = {"filter": {"term": {"tags": "published"}}}


def test_a_rebuild_is_followed(prefix: str, settings_of: Any) -> None:
    with settings_of(REBUILD=True):
        raw = connections["default"].client
        create_indices()
        post("1", "before").save(refresh=True)
        result = rebuild(connections["default"], "posts")
        assert raw.indices.get_alias(index=f"{prefix}posts").body == {
            result.new: {"aliases": {f"{prefix}posts": {}, "published": PUBLISHED}}
        }
        post("2", "after").save(refresh=True)
        assert hits(PostDocument.search()) == [
            ("1", "PostDocument", "before"),
            ("2", "PostDocument", "after"),
        ]
        assert {h.meta.index for h in PostDocument.search().execute()} == {result.new}
        found = PostDocument.get("2")
        assert found is not None and found.meta.index == result.new
        assert raw.count(index=result.new)["count"] == 2
        # The new index has the Document's mappings (DOCUMENT stands for SETTINGS).
        assert raw.indices.get_mapping(index=result.new)[result.new]["mappings"]["properties"][
            "tags"
        ] == {"type": "keyword"}


def test_a_write_during_a_rebuild_is_journaled(prefix: str, settings_of: Any) -> None:
    """The journal a running rebuild keeps (made by hand, as ``test_journal`` does) records
    every write a Document makes: save, update, delete, bulk."""
    with settings_of(REBUILD=True):
        raw = connections["default"].client
        create_indices()
        journal = f"{prefix}journal"
        raw.indices.create(
            index=journal,
            settings={"index.hidden": True},
            mappings=JOURNAL_MAPPINGS,
            aliases={marker(f"{prefix}posts"): {"is_hidden": True}},
        )
        doc = post("1", "one")
        doc.save(refresh=True)
        doc.update(title="one again")
        PostDocument.bulk([post("2", "two")])
        doc.delete()
        raw.indices.refresh(index=journal)
        entries = raw.search(index=journal, size=100, sort=[{"_seq_no": "asc"}])["hits"]["hits"]
        assert [(e["_source"]["kind"], e["_source"]["id"]) for e in entries] == [
            ("done", "1"),
            ("done", "1"),
            ("done", "2"),
            ("done", "1"),
        ]


# using=


@pytest.fixture
def other_server() -> Any:
    name = f"dsl-other-{uuid.uuid4().hex}"
    yield {"ENGINE": "embedded", "PARAMS": {"name": name}}
    close_engine(name=name)


def test_using_is_a_djangoes_alias(
    server: dict[str, Any], other_server: dict[str, Any], settings_of: Any, prefix: str
) -> None:
    servers = {
        "default": {**server, "INDICES": ["posts"]},
        "other": {**other_server, "INDICES": ["posts", "notes"]},
    }
    with settings_of(servers):
        default, other = connections["default"].client, connections["other"].client
        post("d", "on default").save(refresh=True)
        post("o", "on other").save(using="other", refresh=True)
        assert default.exists(index=f"{prefix}posts", id="d")
        assert not default.exists(index=f"{prefix}posts", id="o")
        assert other.exists(index=f"{prefix}posts", id="o")
        assert hits(PostDocument.search(using="other")) == [("o", "PostDocument", "on other")]
        # An index 'default' does not serve: the connection that serves it.
        NoteDocument(meta={"id": "n"}, text="a note").save(refresh=True)
        assert other.exists(index=f"{prefix}notes", id="n")
        assert not default.indices.exists(index=f"{prefix}notes")


def test_each_thread_uses_its_own_connection() -> None:
    create_indices()
    mine = connections["default"]
    theirs: list[Any] = []

    def write() -> None:
        with CaptureRequestsContext(connections["default"]) as requests:
            post("t", "from a thread").save()
        theirs.append((connections["default"], len(requests)))

    with CaptureRequestsContext(mine) as requests:
        thread = threading.Thread(target=write)
        thread.start()
        thread.join()
    assert len(requests) == 0
    assert theirs[0][0] is not mine and theirs[0][1] == 1


def test_dsl_own_connections_are_kept(server_url: str, raw: Any) -> None:
    """A name DSL's registry holds is DSL's; any other is a djangoes alias."""
    assert isinstance(dsl_connections.get_connection("default"), ConnectionClient)
    create_indices()
    assert Search(using="default", index=index_name("posts")).count() == 0
    mine = dsl_connections.create_connection("mine", hosts=[server_url])
    try:
        assert dsl_connections.get_connection("mine") is mine
    finally:
        dsl_connections.remove_connection("mine")
    dsl_connections.configure(default={"hosts": [server_url]})
    try:
        assert isinstance(dsl_connections.get_connection("default"), Elasticsearch)
    finally:
        dsl_connections.configure()
    assert isinstance(dsl_connections.get_connection("default"), ConnectionClient)
    with pytest.raises(KeyError, match="nosuch"):
        dsl_connections.get_connection("nosuch")


def test_a_plain_dsl_document_uses_djangoes_connections(prefix: str) -> None:
    from elasticsearch.dsl import Document as PlainDocument

    class Plain(PlainDocument):
        text = Text()

        class Index:
            name = f"{prefix}plain"

    with CaptureRequestsContext(connections["default"]) as requests:
        Plain(text="x").save(refresh=True)
    assert len(requests) == 1
    assert requests[0]["path"].startswith(f"/{prefix}plain/_doc")


# Faceted search


class PostSearch(FacetedSearch):
    doc_types = [PostDocument]
    fields = ["title"]
    facets = {"tags": TermsFacet(field="tags")}


def test_a_faceted_search_searches_its_documents_index(prefix: str, test_mode: None) -> None:
    for found in test_indices():
        found.create(keepdb=False, interactive=False, verbosity=0)
    try:
        PostDocument.bulk(
            [
                post("1", "snow", "winter"),
                post("2", "snow again", "winter", "ice"),
                post("3", "sun"),
            ],
            refresh=True,
        )
        with CaptureRequestsContext(connections["default"]) as requests:
            response = PostSearch("snow", filters={"tags": "ice"}).execute()
        assert requests[0]["path"] == f"/{prefix}posts_test/_search"
        assert [hit.meta.id for hit in response] == ["2"]
        assert isinstance(response[0], PostDocument)
        assert response.facets.tags == [("winter", 2, False), ("ice", 1, True)]
    finally:
        for found in test_indices():
            found.destroy(verbosity=0)


# assertNumRequests, in djangoes' test cases


def test_requests_are_counted_by_assert_num_requests(prefix: str) -> None:
    class Case(djangoes_test.SimpleTestCase):
        def test_save_and_search(self) -> None:
            with self.assertNumRequests(1):
                post("1", "counted").save(refresh=True)
            with self.assertNumRequests(2):
                PostDocument.search().count()
                PostDocument.get("1")

        def test_a_wrong_count_fails(self) -> None:
            with self.assertNumRequests(0):
                post("2", "counted").save()

    result = unittest.TestResult()
    try:
        unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
    finally:
        for found in test_indices():
            found.destroy(verbosity=0)
        teardown_djangoes()
    assert result.errors == []
    failed = [test.id().rpartition(".")[2] for test, _ in result.failures]
    assert failed == ["test_a_wrong_count_fails"]
    assert "1 requests sent, 0 expected" in result.failures[0][1]


# Mistakes


def test_an_index_without_a_name_is_refused() -> None:
    with pytest.raises(TypeError, match=r"Nameless.Index.name is None: a djangoes.dsl Document"):

        class Nameless(Document):
            class Index:
                settings = {"number_of_shards": 1}


def test_an_unknown_key_is_refused_when_used() -> None:
    class Unknown(Document):
        class Index:
            name = "nosuch"

    with pytest.raises(ImproperlyConfigured, match=r"'nosuch' is not a key of ES_INDICES"):
        Unknown.search()


def test_an_abstract_document_has_no_index() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"Unbound has no index"):
        Unbound.search()


class OtherClientBackend(Base):
    """A backend on another client library."""

    def configure_client(self) -> None:
        self.client = object()


def test_a_connection_on_another_client_is_refused(settings_of: Any, prefix: str) -> None:
    path = f"{__name__}.OtherClientBackend"
    refused = pytest.raises(ImproperlyConfigured, match=r"elasticsearch\.dsl needs a connection")
    with settings_of({"default": {"ENGINE": path, "INDICES": ["posts"]}}), refused:
        PostDocument.search().count()
