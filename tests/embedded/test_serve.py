"""The stock elasticsearch-py 9 client against ``djangoes-embedded serve``."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch, NotFoundError, helpers

from .servers import serve


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    process, url = serve()
    yield url
    process.terminate()
    assert process.wait(30) == 0  # SIGTERM is a clean shutdown


@pytest.fixture
def es(server: str) -> Iterator[Elasticsearch]:
    client = Elasticsearch(hosts=[server])
    yield client
    client.options(ignore_status=404).indices.delete(index="served-*")
    client.close()


def test_url_is_loopback(server: str) -> None:
    assert server.startswith("http://127.0.0.1:")


def test_index_get_search(es: Elasticsearch) -> None:
    assert es.info()["tagline"] == "You Know, for Search"
    es.index(index="served-books", id="1", document={"title": "Snow Crash"}, refresh=True)
    assert es.get(index="served-books", id="1")["_source"] == {"title": "Snow Crash"}
    hits = es.search(index="served-books", query={"match": {"title": "snow"}})["hits"]
    assert [h["_id"] for h in hits["hits"]] == ["1"]
    with pytest.raises(NotFoundError):
        es.get(index="served-books", id="missing")


def test_bulk_and_helpers(es: Elasticsearch) -> None:
    response = es.bulk(
        operations=[
            {"index": {"_index": "served-bulk", "_id": "a"}},
            {"n": 1},
            {"create": {"_index": "served-bulk", "_id": "a"}},
            {"n": 2},
            {"delete": {"_index": "served-bulk", "_id": "missing"}},
        ],
        refresh=True,
    )
    assert response["errors"] is True
    assert [next(iter(i.values()))["status"] for i in response["items"]] == [201, 409, 404]

    actions = ({"_index": "served-bulk", "_id": str(n), "n": n} for n in range(3000))
    success, errors = helpers.bulk(es, actions, chunk_size=500, refresh=True)
    assert (success, errors) == (3000, [])
    seen = {
        hit["_id"]
        for hit in helpers.scan(
            es, index="served-bulk", query={"query": {"range": {"n": {"gte": 0}}}}, size=400
        )
    }
    assert seen == {str(n) for n in range(3000)} | {"a"}


def test_curl_speaks_to_it(server: str) -> None:
    """Anything that speaks HTTP works: plain curl gets JSON and the product header."""
    try:
        result = subprocess.run(
            ["curl", "-si", f"{server}/"], capture_output=True, text=True, timeout=10
        )
    except FileNotFoundError:
        pytest.skip("needs curl on PATH (apt-get install curl)")
    assert "x-elastic-product: elasticsearch" in result.stdout.lower()
    assert '"tagline":"You Know, for Search"' in result.stdout


def test_connection_options_shed_idle_and_slow_connections() -> None:
    """``--max-connections`` and ``--read-timeout``: idle connections at the cap make room for
    an active client, and a client that sends nothing is cut."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "djangoes_engine.cli",
            "serve",
            "--port",
            "0",
            "--max-connections",
            "4",
            "--read-timeout",
            "0.5",
            "--idle-timeout",
            "300",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip().rpartition(" ")[2]
        port = int(url.rpartition(":")[2])
        idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(8)]
        client = Elasticsearch(url, max_retries=0)
        assert client.info()["tagline"] == "You Know, for Search"  # at the cap: room made
        client.close()
        for sock in idle:  # each evicted or, sending nothing, cut after 0.5 s
            with sock, contextlib.suppress(ConnectionResetError):
                assert sock.recv(1) == b""
    finally:
        process.terminate()
        assert process.wait(30) == 0


@pytest.mark.parametrize(
    "option", [["--max-connections", "0"], ["--read-timeout", "-1"], ["--idle-timeout", "x"]]
)
def test_connection_options_out_of_range_exit_with_a_usage_error(option: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "djangoes_engine.cli", "serve", "--port", "0", *option],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert option[0] in result.stderr
