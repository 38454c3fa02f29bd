"""A gateway survives what bad clients send: each loses its own connection, nothing more."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import struct

import pytest
from thrift.protocol.TBinaryProtocol import TBinaryProtocol
from thrift.transport.TTransport import TFramedTransport, TMemoryBuffer

from djangoes_backends_thrift.generated import Rest
from djangoes_backends_thrift.generated.ttypes import Method, RestRequest
from djangoes_backends_thrift.server import ThriftGateway
from tests.endpoints import gateway_url as url
from tests.endpoints import thrift_connection as connect


def call(framed: bool) -> bytes:
    """The bytes of a valid ``execute`` call (GET /)."""
    buffer = TMemoryBuffer()
    client = Rest.Client(TBinaryProtocol(TFramedTransport(buffer) if framed else buffer))
    client.send_execute(RestRequest(method=Method.GET, uri="/"))
    return buffer.getvalue()


def send(gateway: ThriftGateway, data: bytes, *, close: bool = True) -> socket.socket:
    """A socket that sent ``data`` (and, with ``close``, nothing more)."""
    sock = socket.create_connection(("127.0.0.1", gateway.port), timeout=5)
    with contextlib.suppress(OSError):  # the gateway may have hung up already: fine
        sock.sendall(data)
        if close:
            sock.shutdown(socket.SHUT_WR)
    return sock


def closed_by_gateway(sock: socket.socket) -> bool:
    """Whether the gateway closed the connection without answering."""
    with sock:
        try:
            return sock.recv(1024) == b""
        except ConnectionResetError:
            return True


def answers(gateway: ThriftGateway, **params: object) -> bool:
    connection = connect(url(gateway), **params)
    try:
        return connection.info()["tagline"] == "You Know, for Search"
    finally:
        connection.close()


BUFFERED_GARBAGE = {
    "random bytes": os.urandom(512),
    "an HTTP request": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "a message without a version": b"\x00\x00\x00\x07execute\x01\x00\x00\x00\x00",
    "a 2 GB method name": struct.pack("!iI", -2147418111, 0x7FFFFFFF),
    "a truncated call": call(framed=False)[:20],
}
FRAMED_GARBAGE = {
    "random bytes": b"\x00" + os.urandom(511),
    "a negative frame size": struct.pack("!i", -5) + b"xxxxx",
    "a 2 GB frame": struct.pack("!i", 0x7FFFFFFF) + b"x" * 100,
    "a frame of garbage": struct.pack("!i", 8) + b"\x80\x01\x00\x01garb",
    "a truncated frame": call(framed=True)[:20],
    "a buffered call": call(framed=False),
}


@pytest.mark.parametrize("data", BUFFERED_GARBAGE.values(), ids=BUFFERED_GARBAGE.keys())
def test_malformed_data_closes_its_connection_then_a_valid_call_succeeds(
    gateway: ThriftGateway, data: bytes
) -> None:
    assert closed_by_gateway(send(gateway, data))
    assert answers(gateway)


@pytest.mark.parametrize("data", FRAMED_GARBAGE.values(), ids=FRAMED_GARBAGE.keys())
def test_malformed_frames_close_their_connection_then_a_valid_call_succeeds(
    framed_gateway: ThriftGateway, data: bytes
) -> None:
    assert closed_by_gateway(send(framed_gateway, data))
    assert answers(framed_gateway, framed_transport=True)


def test_malformed_data_is_logged_without_the_data(
    gateway: ThriftGateway, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="djangoes.thrift"):
        assert closed_by_gateway(send(gateway, b"SECRET-GARBAGE" * 10))
        assert answers(gateway)
    (record,) = [r for r in caplog.records if r.name == "djangoes.thrift"]
    assert "dropped the connection from 127.0.0.1:" in record.getMessage()
    assert "SECRET" not in record.getMessage()


def test_a_client_stuck_mid_message_holds_up_no_one(framed_gateway: ThriftGateway) -> None:
    stuck = [send(framed_gateway, call(framed=True)[:10], close=False) for _ in range(3)]
    assert answers(framed_gateway, framed_transport=True)
    assert framed_gateway.connections >= 3
    for sock in stuck:
        sock.close()


def test_a_valid_call_on_a_raw_socket_is_answered(gateway: ThriftGateway) -> None:
    with send(gateway, call(framed=False)) as sock:
        reply = sock.recv(65536)
    assert reply.startswith(b"\x80\x01\x00\x02")  # binary protocol, version 1, a REPLY
    assert b"You Know, for Search" in reply
