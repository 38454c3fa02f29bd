"""What the gateways share: ``--upstream`` and ``--listen`` values, and the two upstreams."""

from __future__ import annotations

import gzip
import json
import socket

import pytest

from djangoes.gateway import (
    EmbeddedUpstream,
    HttpUpstream,
    forwarded,
    listen_address,
    upstream,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:9500", ("127.0.0.1", 9500)),
        ("9600", ("127.0.0.1", 9600)),
        ("example.org", ("example.org", 9500)),
        (":9700", ("127.0.0.1", 9700)),
        ("[::1]:9800", ("::1", 9800)),
        ("0.0.0.0:0", ("0.0.0.0", 0)),
    ],
)
def test_listen_addresses_default_to_loopback(value: str, expected: tuple[str, int]) -> None:
    assert listen_address(value, 9500) == expected


@pytest.mark.parametrize("value", ["127.0.0.1:http", "127.0.0.1:70000"])
def test_a_bad_port_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="invalid port in --listen"):
        listen_address(value, 9500)


def test_upstream_specs() -> None:
    http = upstream("http://127.0.0.1:9200/prefix/")
    assert isinstance(http, HttpUpstream)
    assert (http.prefix, repr(http)) == ("/prefix", "<HttpUpstream http://127.0.0.1:9200>")
    http.close()
    embedded = upstream("embedded")
    assert isinstance(embedded, EmbeddedUpstream)
    assert embedded.path is None
    embedded.close()
    with pytest.raises(ValueError, match="unknown upstream 'localhost:9200'"):
        upstream("localhost:9200")


def test_hop_headers_are_not_forwarded() -> None:
    headers = {"Content-Type": "application/json", "Connection": "keep-alive", "Host": "x"}
    assert forwarded(headers) == {"content-type": "application/json"}


def test_an_http_upstream_that_refuses_is_a_502_in_elasticsearch_s_shape() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused = HttpUpstream(f"http://127.0.0.1:{port}")
    reply = refused.execute("GET", "/", {}, None)
    refused.close()
    assert reply.status == 502
    error = json.loads(reply.body)
    assert error["status"] == 502
    assert error["error"]["type"] == "gateway_upstream_exception"


def test_an_http_upstream_forwards_to_the_server(server_url: str) -> None:
    http = HttpUpstream(server_url)
    reply = http.execute("GET", "/", {"accept": "application/json"}, None)
    http.close()
    assert reply.status == 200
    assert json.loads(reply.body)["tagline"] == "You Know, for Search"
    assert "content-length" not in reply.headers


def test_the_embedded_upstream_runs_requests_in_process() -> None:
    engine = EmbeddedUpstream()
    try:
        body = gzip.compress(b'{"title": "snow"}')
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        created = engine.execute("PUT", "/books/_doc/1?refresh=true", headers, body)
        assert created.status == 201
        found = engine.execute("GET", "/books/_doc/1", {}, None)
        assert json.loads(found.body)["_source"] == {"title": "snow"}
        head = engine.execute("HEAD", "/books/_doc/1", {}, None)
        assert (head.status, head.body) == (200, b"")
        assert engine.execute("GET", "/books/_doc/2", {}, None).status == 404
    finally:
        engine.close()
