"""opensearch-py against the engine: where OpenSearch answers differently from Elasticsearch,
opensearch-py gets OpenSearch's answer (the root endpoint's version, no product header), and
elasticsearch-py still gets Elasticsearch's.

The engine tells the two apart by the ``User-Agent`` opensearch-py sends.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import urllib3
from elasticsearch import Elasticsearch
from opensearchpy import NotFoundError, OpenSearch, RequestError, helpers

from djangoes_engine import Engine
from djangoes_engine.server import start_in_thread


@pytest.fixture
def url(engine: Engine) -> Iterator[str]:
    server = start_in_thread(engine.handle, "127.0.0.1", 0)
    yield server.url
    server.stop()


@pytest.fixture
def opensearch(url: str) -> Iterator[OpenSearch]:
    client = OpenSearch([url])
    yield client
    client.close()


def test_the_root_endpoint_answers_opensearch_py_as_opensearch(opensearch: OpenSearch) -> None:
    info = opensearch.info()
    assert info["version"]["distribution"] == "opensearch"
    major = int(info["version"]["number"].split(".")[0])
    assert major in (2, 3)
    assert info["tagline"] == "The OpenSearch Project: https://opensearch.org/"
    assert "build_flavor" not in info["version"]  # Elasticsearch's field, not OpenSearch's


def test_elasticsearch_py_still_gets_elasticsearch(url: str) -> None:
    client = Elasticsearch(url)
    info = client.info()
    assert "distribution" not in info["version"]
    assert info["tagline"] == "You Know, for Search"
    assert info.meta.headers["x-elastic-product"] == "Elasticsearch"
    client.close()


def test_no_product_header_for_opensearch_py(url: str) -> None:
    """OpenSearch never sends ``X-Elastic-Product``; the engine does not either, to opensearch-py
    (the header is told apart by the same User-Agent opensearch-py sends)."""
    agent = OpenSearch([url]).transport.get_connection().headers["user-agent"]
    assert agent.startswith("opensearch-py/")
    http = urllib3.PoolManager()
    for target in ("/", "/_cluster/health", "/missing-index/_doc/1"):
        answered = http.request("GET", url + target, headers={"User-Agent": agent})
        assert "x-elastic-product" not in answered.headers
        plain = http.request("GET", url + target)
        assert plain.headers["x-elastic-product"] == "Elasticsearch"


def test_documents_bulk_scan_count_and_errors(opensearch: OpenSearch) -> None:
    opensearch.indices.create(
        index="books", body={"mappings": {"properties": {"title": {"type": "text"}}}}
    )
    created = opensearch.index(index="books", id="1", body={"title": "Snow Crash"}, refresh=True)
    assert created["result"] == "created"
    assert "_type" not in created  # OpenSearch 2 answers without mapping types, as the engine
    actions = ({"_index": "books", "_id": str(n), "title": f"book {n}"} for n in range(2, 52))
    assert helpers.bulk(opensearch, actions, refresh=True) == (50, [])
    assert opensearch.count(index="books")["count"] == 51
    seen = {hit["_id"] for hit in helpers.scan(opensearch, index="books", size=7)}
    assert len(seen) == 51
    with pytest.raises(NotFoundError) as missing:
        opensearch.get(index="books", id="nope")
    assert missing.value.status_code == 404
    assert opensearch.exists(index="books", id="1") is True
    assert opensearch.exists(index="books", id="nope") is False


def test_opensearch_point_in_time_api(opensearch: OpenSearch) -> None:
    """OpenSearch's own PIT API (``/_search/point_in_time``), as opensearch-py calls it; a
    search reads the point in time as Elasticsearch's does (``pit.id``)."""
    opensearch.indices.create(index="pits")
    for n in range(3):
        opensearch.index(index="pits", id=str(n), body={"n": n})
    opensearch.indices.refresh(index="pits")
    created = opensearch.create_pit(index="pits", keep_alive="1m")
    assert set(created) == {"pit_id", "_shards", "creation_time"}
    assert created["_shards"]["total"] == 1
    pit_id = created["pit_id"]
    opensearch.index(index="pits", id="late", body={"n": 9}, refresh=True)
    result = opensearch.search(body={"pit": {"id": pit_id, "keep_alive": "1m"}, "size": 10})
    assert result["hits"]["total"]["value"] == 3  # the documents as they were
    listed = opensearch.get_all_pits()["pits"]
    assert [p["pit_id"] for p in listed] == [pit_id]
    assert listed[0]["keep_alive"] == 60_000
    deleted = opensearch.delete_pit(body={"pit_id": [pit_id]})
    assert deleted == {"pits": [{"successful": True, "pit_id": pit_id}]}
    assert opensearch.delete_pit(body={"pit_id": [pit_id]})["pits"][0]["successful"] is False
    second = opensearch.create_pit(index="pits", keep_alive="1m")["pit_id"]
    assert opensearch.delete_all_pits() == {"pits": [{"successful": True, "pit_id": second}]}
    with pytest.raises(RequestError) as refused:
        opensearch.create_pit(index="pits")
    assert refused.value.status_code == 400
    with pytest.raises(RequestError) as unknown:
        opensearch.create_pit(index="pits", keep_alive="1m", params={"scroll": "1m"})
    assert "unrecognized parameter: [scroll]" in unknown.value.info["error"]["reason"]
