"""The examples of djangoes 0.3's documentation, on today's stack.

Each runs against the embedded engine's HTTP server through both HTTP transports. Hosts such
as ``'localhost'`` or ``'es_host_1'`` stand for that server here; ``doc_type`` and ``body=``
are kept where the 0.3 examples used them (both still work, with deprecation warnings), and
calls that took positional arguments take today's keyword arguments.
"""

from __future__ import annotations

import warnings
from urllib.parse import urlsplit

import pytest
from django.template import Context, Engine
from django.test import override_settings

from djangoes import connection, connections
from djangoes.backends.abstracts import Base
from djangoes.backends.elasticsearch import BaseElasticsearchBackend


@pytest.fixture(autouse=True)
def quiet_deprecations():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def host_port(url: str) -> str:
    """``'127.0.0.1:PORT'``: the 0.3 spelling of a host, without a scheme."""
    return urlsplit(url).netloc


def create_indices(conn) -> None:
    for index_name, settings_body in conn.get_indices_with_settings().items():
        conn.client.indices.create(index=index_name, **settings_body)


def drop_indices(conn) -> None:
    conn.client.options(ignore_status=404).indices.delete(index=",".join(conn.index_names))


def test_short_introduction(server_url: str, engine_name: str, prefix: str) -> None:
    """index.rst: two settings, a search view, and a template over the raw result."""
    with override_settings(
        ES_SERVERS={
            "default": {
                "HOSTS": [host_port(server_url)],
                "ENGINE": engine_name,
                "INDICES": ["my_index"],
            }
        },
        ES_INDICES={"my_index": {"NAME": prefix + "index_dev"}},
    ):
        create_indices(connection)
        connection.index(id="1", document={"title": "First", "text": "hello django"}, refresh=True)

        def search_blog_entries(search_term: str) -> dict:
            query = {"query": {"match": {"text": search_term}}}
            return connection.search(doc_type="entry", body=query)

        results = search_blog_entries("django")
        # The 0.3 template read ``hit._source.title``; Django templates refuse names that start
        # with an underscore, so the view hands the template each hit's ``_source``.
        sources = [hit["_source"] for hit in results["hits"]["hits"]]
        template = Engine().from_string(
            "<h1>Blog post found</h1>{% for source in sources %}<article>"
            "<h2>{{source.title}}</h2>{{source.text}}</article>{% endfor %}"
        )
        html = template.render(Context({"sources": sources}))
        assert "<h2>First</h2>hello django" in html
        drop_indices(connection)


def test_connections(server_url: str, engine_name: str, prefix: str) -> None:
    """connections.rst: the default connection, an aliased one, and their equality."""
    with override_settings(
        ES_SERVERS={
            "default": {"HOSTS": [server_url], "ENGINE": engine_name, "INDICES": ["blog"]},
            "connection_alias": {"HOSTS": [server_url], "ENGINE": engine_name, "INDICES": ["blog"]},
        },
        ES_INDICES={"blog": {"NAME": prefix + "blog"}},
    ):
        create_indices(connection)
        connection.index(id="1", document={"text": "words"}, refresh=True)

        def search_blog_entries(words: str) -> list:
            doc_type = "entry"
            search = {"query": {"term": {"text": words}}}
            result = connection.search(doc_type=doc_type, body=search)
            return result.get("hits", {}).get("hits", [])

        assert [hit["_id"] for hit in search_blog_entries("words")] == ["1"]
        conn = connections["connection_alias"]
        assert conn.count()["count"] == 1
        assert connection == connections["default"]
        drop_indices(connection)


def test_queries(server_url: str, engine_name: str, prefix: str) -> None:
    """queries.rst: search, reading the hits, single-index operations, and ``client``."""
    with override_settings(
        ES_SERVERS={"default": {"HOSTS": [server_url], "ENGINE": engine_name, "INDICES": ["blog"]}},
        ES_INDICES={"blog": {"NAME": prefix + "blog_v1", "ALIASES": [prefix + "blog"]}},
    ):
        create_indices(connection)
        connection.create(id="1", document={"title": "entry"})
        connection.update(id="1", doc={"title": "edited entry"}, refresh=True)
        search = {"query": {"match_all": {}}}
        results = connection.search(doc_type="blog_entry", body=search)
        result_hits = results.get("hits", {})
        total_count = result_hits.get("total", 0)
        documents = result_hits.get("hits", [])
        assert total_count == {"value": 1, "relation": "eq"}
        assert len(documents) == 1
        assert connection.get(id="1")["_source"] == {"title": "edited entry"}
        aliases = connection.client.indices.get_alias(index=prefix + "blog_v1")
        assert list(aliases[prefix + "blog_v1"]["aliases"]) == [prefix + "blog"]
        drop_indices(connection)


def test_configure_and_settings_bodies(server_url: str, engine_name: str, prefix: str) -> None:
    """configure.rst: two hosts, the documented ENGINE path, aliases and SETTINGS."""
    port = urlsplit(server_url).port
    with override_settings(
        ES_SERVERS={
            "default": {
                "HOSTS": [f"127.0.0.1:{port}", f"localhost:{port}"],
                "ENGINE": "djangoes.backends.elasticsearch.SimpleHttpClient"
                if engine_name == "http"
                else "djangoes.backends.elasticsearch.SimpleRequestsHttpBackend",
                "INDICES": ["index_1"],
            }
        },
        ES_INDICES={
            "index_1": {
                "NAME": prefix + "real_index_name",
                "ALIASES": [prefix + "index_catalog", prefix + "index_public"],
                "SETTINGS": {"mappings": {"properties": {"code": {"type": "keyword"}}}},
            }
        },
    ):
        indices_with_settings = connection.get_indices_with_settings()
        for index_name, settings_body in indices_with_settings.items():
            connection.client.indices.create(index=index_name, **settings_body)
        assert connection.indices == [prefix + "index_catalog", prefix + "index_public"]
        assert connection.index_names == [prefix + "real_index_name"]
        mapping = connection.client.indices.get_mapping(index=prefix + "real_index_name")
        assert mapping[prefix + "real_index_name"]["mappings"]["properties"]["code"] == {
            "type": "keyword"
        }
        assert len(connection.client.transport.node_pool.all()) == 2
        drop_indices(connection)


def test_timeout_and_retry(server_url: str, engine_name: str) -> None:
    """configure.rst: timeout, retry_on_timeout and max_retries over two hosts."""
    port = urlsplit(server_url).port
    with override_settings(
        ES_SERVERS={
            "default": {
                "HOSTS": [
                    f"127.0.0.1:{port}",
                    "127.0.0.1:9",
                ],  # the second host refuses connections
                "ENGINE": engine_name,
                "PARAMS": {"timeout": 1, "retry_on_timeout": True, "max_retries": 3},
            }
        }
    ):
        for _ in range(4):  # every request succeeds, retrying on the live host
            assert connection.info()["tagline"] == "You Know, for Search"
        assert connection.client._request_timeout == 1


def test_multiple_connections_with_categories_and_brands(
    server_url: str, engine_name: str, prefix: str
) -> None:
    """Several connections over shared indices: one per index for writes, one for both."""
    server = {"HOSTS": [server_url], "ENGINE": engine_name}
    with override_settings(
        ES_SERVERS={
            "default": {**server, "INDICES": ["categories", "brands"]},
            "categories": {**server, "INDICES": ["categories"]},
            "brands": {**server, "INDICES": ["brands"]},
        },
        ES_INDICES={
            "categories": {"NAME": prefix + "categories"},
            "brands": {"NAME": prefix + "brands", "ALIASES": [prefix + "brand_catalog"]},
        },
    ):
        create_indices(connections["default"])
        connections["categories"].index(id="shoes", document={"name": "Shoes"})
        connections["brands"].index(id="acme", document={"name": "Acme Shoes"}, refresh=True)
        connections["categories"].refresh()
        both = connections["default"].search(query={"match": {"name": "shoes"}})
        assert sorted(hit["_id"] for hit in both["hits"]["hits"]) == ["acme", "shoes"]
        assert connections["brands"].get(id="acme")["_index"] == prefix + "brands"
        assert connections["default"].indices == [prefix + "categories", prefix + "brand_catalog"]
        drop_indices(connections["default"])


class MyBackend(Base):
    """backends.rst: a custom backend is a Base subclass taking alias, server and indices."""

    def configure_client(self) -> None:
        from elasticsearch import Elasticsearch

        self.client = Elasticsearch(self.server["HOSTS"])

    def search(self, **kwargs):
        return self.client.search(index=",".join(self.indices), **kwargs)


def test_custom_backends(server_url: str, engine_name: str, prefix: str) -> None:
    """backends.rst: a Base subclass, and a BaseElasticsearchBackend with its two classes."""
    from elastic_transport import RequestsHttpNode, Transport

    class RequestsBackend(BaseElasticsearchBackend):
        transport_class = Transport
        connection_class = RequestsHttpNode

    with override_settings(
        ES_SERVERS={
            "default": {
                "HOSTS": [server_url],
                "ENGINE": f"{__name__}.MyBackend",
                "INDICES": ["blog"],
            },
        },
        ES_INDICES={"blog": {"NAME": prefix + "blog"}},
    ):
        assert isinstance(connection._connections["default"], MyBackend)
        connection.client.indices.create(index=prefix + "blog")
        assert connection.search()["hits"]["total"]["value"] == 0
        backend = RequestsBackend(
            "custom",
            connections.settings["default"],
            connections.get_server_indices(connections.settings["default"]),
        )
        backend.configure_client()
        assert backend.count()["count"] == 0
        connection.client.indices.delete(index=prefix + "blog")
