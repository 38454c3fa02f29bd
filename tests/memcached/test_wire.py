"""The wire format: which command carries a request, and what the gateway reads back from it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from djangoes_backends_memcached.wire import (
    REQUEST_KEY,
    Command,
    WireError,
    command_for,
    decode_response,
    encode_response,
    is_key,
    request_for,
)

JSON = "application/vnd.elasticsearch+json; compatible-with=9"
NDJSON = "application/vnd.elasticsearch+x-ndjson; compatible-with=9"


def roundtrip(command: Command):
    """What the gateway makes of ``command``."""
    return request_for(command.op, command.key.encode(), command.flags, command.value)


def test_reads_are_gets_of_the_target() -> None:
    command = command_for("GET", "/books/_doc/a%2Fb%20c?routing=x", None, None)
    assert command == Command("get", "/books/_doc/a%2Fb%20c?routing=x")
    assert not command.follow_up
    assert command_for("HEAD", "/books", None, None) == Command("get", "/books")


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_writes_are_sets_whose_flags_carry_method_and_content_type(method: str) -> None:
    command = command_for(method, "/books/_doc/1?refresh=true", b'{"a":1}', JSON)
    assert (command.op, command.key, command.value) == (
        "set",
        "/books/_doc/1?refresh=true",
        b'{"a":1}',
    )
    assert command.follow_up
    request = roundtrip(command)
    assert (request.method, request.target, request.body) == (
        method,
        "/books/_doc/1?refresh=true",
        b'{"a":1}',
    )
    assert request.headers == {"content-type": "application/json"}


def test_ndjson_bodies_keep_their_content_type() -> None:
    command = command_for("POST", "/_bulk", b'{"index":{}}\n{}\n', NDJSON)
    assert roundtrip(command).headers == {"content-type": "application/x-ndjson"}


def test_a_delete_without_body_is_a_delete() -> None:
    command = command_for("DELETE", "/books/_doc/1", None, None)
    assert command == Command("delete", "/books/_doc/1")
    assert roundtrip(command).method == "DELETE"


def test_a_read_with_a_body_sends_it_as_the_source_parameter() -> None:
    command = command_for("GET", "/books/_search?size=1", b'{"query":{"match_all":{}}}', JSON)
    assert command.op == "get"
    query = parse_qs(urlsplit(command.key).query)
    assert query == {
        "size": ["1"],
        "source": ['{"query":{"match_all":{}}}'],
        "source_content_type": ["application/json"],
    }


@pytest.mark.parametrize(
    ("method", "target", "body"),
    [
        ("GET", "/books/_doc/" + "x" * 300, None),  # longer than memcached allows
        ("PUT", "/books/_doc/" + "x" * 300, b"{}"),
        ("DELETE", "/books/_doc/" + "x" * 300, None),
        ("GET", "/books/_search", b'{"query":{"match":{"t":"' + b"w" * 300 + b'"}}}'),
        ("DELETE", "/_pit", b'{"id":"abc"}'),  # a delete with a body
        ("GET", "/books/_doc/caf\u00e9", None),  # not ASCII (never so from elasticsearch-py)
    ],
)
def test_what_cannot_be_a_key_travels_whole_in_the_request_key(
    method: str, target: str, body: bytes | None
) -> None:
    command = command_for(method, target, body, JSON)
    assert (command.op, command.key) == ("set", REQUEST_KEY)
    request = roundtrip(command)
    assert request.method == method
    assert request.body == (body or b"")
    assert request.target == target.replace("\u00e9", "%C3%A9")


def test_keys_are_printable_ascii_of_250_bytes_at_most() -> None:
    assert is_key("/" + "x" * 249)
    assert not is_key("/" + "x" * 250)
    assert not is_key("/a b")
    assert not is_key("/a\x00")
    assert not is_key("/\u00e9")


def test_a_gateway_refuses_what_is_not_a_request() -> None:
    with pytest.raises(WireError, match="starts with '/'"):
        request_for("get", b"books")
    with pytest.raises(WireError, match="unknown flags"):
        request_for("set", b"/books", 15 << 8, b"{}")
    with pytest.raises(WireError, match="no CR LF"):
        request_for("set", REQUEST_KEY.encode(), 0, b"/books")
    with pytest.raises(WireError, match="CR or LF"):
        command_for("DELETE", "/a\r\nb", b"{}", None)
    with pytest.raises(WireError, match="PATCH"):
        command_for("PATCH", "/a", None, None)


def test_answers_carry_status_headers_and_body() -> None:
    headers = {"content-type": "application/json", "x-elastic-product": "Elasticsearch"}
    value = encode_response(201, headers, b'{"result":"created"}\r\n\r\n')
    assert value.startswith(b"DJANGOES/1 201\r\ncontent-type: application/json\r\n")
    assert decode_response(value) == (201, headers, b'{"result":"created"}\r\n\r\n')
    assert decode_response(encode_response(404, {}, b"")) == (404, {}, b"")


@pytest.mark.parametrize(
    "value",
    [
        b"some cached bytes",
        b"DJANGOES/1 abc\r\n\r\n",
        b"DJANGOES/1 200\r\nno colon\r\n\r\n",
        b"DJANGOES/1 200\r\n",
    ],
)
def test_what_is_not_an_answer_is_refused(value: bytes) -> None:
    with pytest.raises(WireError):
        decode_response(value)
