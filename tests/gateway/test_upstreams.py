"""Upstreams: Elasticsearch over HTTP, and the ones installed distributions register by name."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from djangoes_engine.upstream import EmbeddedUpstream
from djangoes_gateway.replies import UPSTREAM_FAILED, forwarded, upstream_failed
from djangoes_gateway.upstreams import HttpUpstream, installed, upstream


def test_upstream_specs() -> None:
    http = upstream("http://127.0.0.1:9200/prefix/")
    assert isinstance(http, HttpUpstream)
    assert (http.prefix, repr(http)) == ("/prefix", "<HttpUpstream http://127.0.0.1:9200>")
    http.close()
    with pytest.raises(ValueError, match="unknown upstream 'localhost:9200'"):
        upstream("localhost:9200")


def test_the_engine_is_found_by_the_name_it_registers() -> None:
    assert "embedded" in installed()
    engine = upstream("embedded")
    try:
        assert isinstance(engine, EmbeddedUpstream)
        assert engine.path is None
    finally:
        engine.close()
    with pytest.raises(ValueError, match=r"installed upstream \(.*'embedded'"):
        upstream("nowhere")


@pytest.fixture
def third_party(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An upstream ``echo`` registered by a distribution, as pip would install it."""
    (tmp_path / "echo_upstream.py").write_text(
        "from djangoes_gateway.replies import Reply\n"
        "class Echo:\n"
        "    def __init__(self, argument):\n"
        "        self.argument = argument\n"
        "    def execute(self, method, target, headers, body):\n"
        "        return Reply(200, {}, f'{self.argument} {method} {target}'.encode())\n"
        "    def close(self):\n"
        "        pass\n"
    )
    info = tmp_path / "echo_upstream-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: echo-upstream\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text("[djangoes.upstreams]\necho = echo_upstream:Echo\n")
    monkeypatch.syspath_prepend(str(tmp_path))


def test_a_third_party_upstream_is_found_by_name_with_its_argument(third_party: None) -> None:
    echo = upstream("echo:a:b")
    assert echo.execute("GET", "/x?y=1", {}, None).body == b"a:b GET /x?y=1"
    assert upstream("echo").execute("HEAD", "/", {}, None).body == b"None HEAD /"


def test_hop_headers_are_not_forwarded() -> None:
    headers = {"Content-Type": "application/json", "Connection": "keep-alive", "Host": "x"}
    assert forwarded(headers) == {"content-type": "application/json"}


def test_an_upstream_failure_is_a_502_in_elasticsearch_s_shape() -> None:
    reply = upstream_failed("<somewhere>", "reset")
    assert reply.status == UPSTREAM_FAILED == 502
    assert reply.headers["x-elastic-product"] == "Elasticsearch"
    assert json.loads(reply.body) == {
        "error": {
            "root_cause": [
                {"type": "gateway_upstream_exception", "reason": "upstream '<somewhere>': reset"}
            ],
            "type": "gateway_upstream_exception",
            "reason": "upstream '<somewhere>': reset",
        },
        "status": 502,
    }


def test_an_http_upstream_that_refuses_is_a_502() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused = HttpUpstream(f"http://127.0.0.1:{port}")
    reply = refused.execute("GET", "/", {}, None)
    refused.close()
    assert reply.status == 502
    assert json.loads(reply.body)["error"]["type"] == "gateway_upstream_exception"


def test_an_http_upstream_forwards_to_the_server(engine_url: str) -> None:
    http = HttpUpstream(engine_url)
    reply = http.execute("GET", "/", {"accept": "application/json"}, None)
    http.close()
    assert reply.status == 200
    assert json.loads(reply.body)["tagline"] == "You Know, for Search"
    assert "content-length" not in reply.headers


def test_the_embedded_upstream_runs_requests_in_process() -> None:
    engine = EmbeddedUpstream()
    try:
        headers = {"Content-Type": "application/json"}
        created = engine.execute("PUT", "/books/_doc/1?refresh=true", headers, b'{"t": "snow"}')
        assert created.status == 201
        found = engine.execute("GET", "/books/_doc/1", {}, None)
        assert json.loads(found.body)["_source"] == {"t": "snow"}
        head = engine.execute("HEAD", "/books/_doc/1", {}, None)
        assert (head.status, head.body) == (200, b"")
        assert engine.execute("GET", "/books/_doc/2", {}, None).status == 404
    finally:
        engine.close()
