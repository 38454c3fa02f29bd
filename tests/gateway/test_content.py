"""Content coding at a gateway: request bodies inflated (within a limit), replies gzipped."""

from __future__ import annotations

import gzip
import json
import zlib

import pytest

from djangoes_gateway.content import ContentError, accepts_gzip, decoded, encoded
from djangoes_gateway.replies import Reply

DOCUMENT = b'{"title": "snow"}'


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)  # the same bytes in every process: test ids show them


@pytest.mark.parametrize(
    ("coding", "body"),
    [
        ("gzip", gz(DOCUMENT)),
        ("x-gzip", gz(DOCUMENT[:5]) + gz(DOCUMENT[5:])),  # two members
        ("deflate", zlib.compress(DOCUMENT)),
        ("identity", DOCUMENT),
        ("", DOCUMENT),
    ],
)
def test_a_request_body_is_inflated_and_its_coding_dropped(coding: str, body: bytes) -> None:
    headers, inflated = decoded({"Content-Encoding": coding, "Content-Type": "x"}, body)
    assert (headers, inflated) == ({"content-type": "x"}, DOCUMENT)


@pytest.mark.parametrize(
    ("coding", "body", "status", "reason"),
    [
        ("br", b"...", 415, "unsupported Content-Encoding [br]"),
        ("gzip", b"not gzip at all", 400, "invalid gzip request body"),
        ("gzip", gz(DOCUMENT)[:-12], 400, "truncated gzip request body"),
        ("gzip", gz(b" " * 1001), 413, "larger than http.max_content_length [1000b]"),
    ],
)
def test_a_body_that_cannot_be_inflated_is_an_error_in_elasticsearch_s_shape(
    coding: str, body: bytes, status: int, reason: str
) -> None:
    with pytest.raises(ContentError) as raised:
        decoded({"content-encoding": coding}, body, limit=1000)
    reply = raised.value.reply
    assert reply.status == json.loads(reply.body)["status"] == status
    assert reason in json.loads(reply.body)["error"]["reason"]


@pytest.mark.parametrize(
    ("accept_encoding", "accepted"),
    [
        ("gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("GZIP", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip;q=zero", False),
        ("identity", False),
        ("", False),
    ],
)
def test_accept_encoding(accept_encoding: str, accepted: bool) -> None:
    assert accepts_gzip(accept_encoding) is accepted


def test_a_reply_is_gzipped_when_asked_and_worth_it() -> None:
    large = Reply(200, {"content-type": "application/json"}, b"[" + b"1," * 1000 + b"1]")
    compressed = encoded(large, "gzip")
    assert compressed.headers == {
        "content-type": "application/json",
        "content-encoding": "gzip",
        "vary": "accept-encoding",
    }
    assert gzip.decompress(compressed.body) == large.body
    assert encoded(large, "identity") is large
    small = Reply(200, {}, DOCUMENT)
    assert encoded(small, "gzip") is small
    already = Reply(200, {"content-encoding": "gzip"}, gzip.compress(large.body))
    assert encoded(already, "gzip") is already
