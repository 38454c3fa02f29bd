"""The gateway over raw sockets: both protocols, and what it survives."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator

import pytest

from djangoes_backends_memcached.server import MemcachedGateway
from tests.endpoints import memcached_client

from .conftest import MAX_VALUE_SIZE

TWO_MB = 2 * 1024 * 1024
HEADER = struct.Struct(">BBHBBHIIQ")


@pytest.fixture
def raw(gateway: MemcachedGateway) -> Iterator[socket.socket]:
    sock = socket.create_connection(("127.0.0.1", gateway.port), timeout=5)
    yield sock
    sock.close()


def read_until(sock: socket.socket, end: bytes) -> bytes:
    data = b""
    while not data.endswith(end):
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed after {data!r}")
        data += chunk
    return data


def ask(sock: socket.socket, line: bytes, end: bytes = b"\r\n") -> bytes:
    sock.sendall(line)
    return read_until(sock, end)


def closed(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


# Text protocol


def test_malformed_lines_are_answered_and_the_connection_goes_on(raw: socket.socket) -> None:
    assert ask(raw, b"\r\n") == b"ERROR\r\n"
    assert ask(raw, b"bogus command\r\n") == b"ERROR\r\n"
    assert ask(raw, b"get\r\n") == b"ERROR\r\n"
    bad_format = b"CLIENT_ERROR bad command line format\r\n"
    assert ask(raw, b"set /x 0 0\r\n") == bad_format
    assert ask(raw, b"set /x zero 0 2\r\n") == bad_format
    assert ask(raw, b"set /x 0 0 -2\r\n") == bad_format
    assert ask(raw, b"get " + b"k" * 251 + b"\r\n") == bad_format
    assert ask(raw, b"delete /x 5\r\n") == bad_format
    # flags no request has, and a key that is no request target
    assert ask(raw, b"set /x 983040 0 2\r\n{}\r\n").startswith(b"CLIENT_ERROR unknown flags")
    assert ask(raw, b"set x 0 0 2\r\n{}\r\n").startswith(b"CLIENT_ERROR a key is a request")
    assert ask(raw, b"version\r\n") == b"VERSION 1.6.0-djangoes\r\n"


def test_a_data_block_of_the_wrong_length_is_a_bad_data_chunk(raw: socket.socket) -> None:
    # 3 bytes announced, 6 sent: the 2 after the 3rd are not CR LF; "f" is then a command.
    answer = ask(raw, b"set /x 0 0 3\r\nabcdef\r\n", end=b"ERROR\r\n")
    assert answer == b"CLIENT_ERROR bad data chunk\r\nERROR\r\n"
    assert ask(raw, b"get /\r\n", end=b"END\r\n").startswith(b"VALUE / 0 ")


def test_a_value_over_the_limit_is_dropped_and_refused(raw: socket.socket) -> None:
    assert ask(raw, b"set / 0 0 %d\r\n" % TWO_MB + b"x" * TWO_MB + b"\r\n") == (
        b"SERVER_ERROR object too large for cache\r\n"
    )
    assert TWO_MB > MAX_VALUE_SIZE
    # its bytes were swallowed, not read as commands, and no answer is pending
    assert ask(raw, b"get _djangoes/response\r\n") == b"END\r\n"
    assert ask(raw, b"get /\r\n", end=b"END\r\n").startswith(b"VALUE / 0 ")


def test_a_line_too_long_closes_the_connection(raw: socket.socket) -> None:
    assert ask(raw, b"get /" + b"x" * 3000 + b"\r\n") == b"CLIENT_ERROR line too long\r\n"
    assert closed(raw)


def test_a_get_answers_with_status_headers_and_body(raw: socket.socket) -> None:
    answer = ask(raw, b"get / /no-such-index _other\r\n", end=b"END\r\n")
    first, rest = answer.split(b"\r\n", 1)
    assert first.startswith(b"VALUE / 0 ")
    assert rest.startswith(b"DJANGOES/1 200\r\n")
    assert b"x-elastic-product: Elasticsearch\r\n" in rest
    assert b"\r\nVALUE /no-such-index 0 " in rest
    assert b"DJANGOES/1 404\r\n" in rest
    assert b"_other" not in rest  # not a request target: a miss
    assert ask(raw, b"gets /\r\n", end=b"END\r\n").split(b"\r\n")[0].endswith(b" 0")


def test_a_write_answer_waits_on_its_own_connection_and_is_read_once(
    gateway: MemcachedGateway, raw: socket.socket, index: str
) -> None:
    assert ask(raw, b"set /%s 256 0 0\r\n\r\n" % index.encode()) == b"STORED\r\n"  # PUT /index
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=5) as other:
        assert ask(other, b"get _djangoes/response\r\n") == b"END\r\n"
    answer = ask(raw, b"get _djangoes/response\r\n", end=b"END\r\n")
    assert b"DJANGOES/1 200\r\n" in answer
    assert b'"acknowledged":true' in answer
    assert ask(raw, b"get _djangoes/response\r\n") == b"END\r\n"
    assert ask(raw, b"delete /%s\r\n" % index.encode()) == b"DELETED\r\n"
    assert ask(raw, b"delete /%s noreply\r\nversion\r\n" % index.encode()).startswith(b"VERSION")
    answer = ask(raw, b"get _djangoes/response\r\n", end=b"END\r\n")
    assert b"DJANGOES/1 404\r\n" in answer  # the second delete's answer, noreply or not
    assert ask(raw, b"delete /%s\r\n" % index.encode()) == b"NOT_FOUND\r\n"


def test_a_refused_write_drops_the_waiting_answer(
    gateway: MemcachedGateway, raw: socket.socket, index: str
) -> None:
    refused = {
        b"set /x 0 0\r\n": b"CLIENT_ERROR bad command line format\r\n",
        b"set /x 0 0 3\r\nabcdef\r\n": b"CLIENT_ERROR bad data chunk\r\nERROR\r\n",
        b"set x 0 0 2\r\n{}\r\n": (
            b"CLIENT_ERROR a key is a request target, which starts with '/'\r\n"
        ),
    }
    for command, answer in refused.items():
        assert ask(raw, b"set /%s 256 0 0\r\n\r\n" % index.encode()) == b"STORED\r\n"
        assert ask(raw, command, end=answer[-7:]) == answer
        assert ask(raw, b"get _djangoes/response\r\n") == b"END\r\n"
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=5) as sock:
        put = struct.pack(">II", 1 << 8, 0)
        sock.sendall(packet(0x01, key=f"/{index}".encode(), extras=put))
        assert read_packet(sock)[:2] == (0x01, 0)
        sock.sendall(packet(0x01, key=b"/x", value=b"{}"))  # no extras: refused
        assert read_packet(sock)[:2] == (0x01, 0x04)
        sock.sendall(packet(0x00, key=b"_djangoes/response"))
        assert read_packet(sock)[:2] == (0x00, 1)


def test_noreply_sets_are_not_answered(raw: socket.socket, index: str) -> None:
    assert ask(raw, b"set /%s 256 0 0 noreply\r\n\r\nversion\r\n" % index.encode()) == (
        b"VERSION 1.6.0-djangoes\r\n"
    )
    assert b"DJANGOES/1 200" in ask(raw, b"get _djangoes/response\r\n", end=b"END\r\n")


def test_quit_closes_the_connection(raw: socket.socket) -> None:
    raw.sendall(b"quit\r\n")
    assert closed(raw)


# Binary protocol


def packet(opcode: int, key: bytes = b"", extras: bytes = b"", value: bytes = b"") -> bytes:
    length = len(extras) + len(key) + len(value)
    return (
        HEADER.pack(0x80, opcode, len(key), len(extras), 0, 0, length, 7, 0) + extras + key + value
    )


def read_packet(sock: socket.socket) -> tuple[int, int, bytes, bytes, bytes]:
    """Opcode, status, extras, key and value of the next answer."""
    header = read_exactly(sock, HEADER.size)
    magic, opcode, key_length, extras_length, _, status, length, opaque, _ = HEADER.unpack(header)
    assert (magic, opaque) == (0x81, 7)
    body = read_exactly(sock, length)
    key_end = extras_length + key_length
    return opcode, status, body[:extras_length], body[extras_length:key_end], body[key_end:]


def read_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise AssertionError("connection closed")
        data += chunk
    return data


def test_binary_commands(raw: socket.socket) -> None:
    raw.sendall(packet(0x0B))  # VERSION
    assert read_packet(raw) == (0x0B, 0, b"", b"", b"1.6.0-djangoes")
    raw.sendall(packet(0x0C, key=b"/"))  # GETK
    opcode, status, extras, key, value = read_packet(raw)
    assert (opcode, status, extras, key) == (0x0C, 0, bytes(4), b"/")
    assert value.startswith(b"DJANGOES/1 200\r\n")
    raw.sendall(packet(0x00, key=b"nothing"))  # GET of no request target
    assert read_packet(raw)[:2] == (0x00, 1)
    raw.sendall(packet(0x09, key=b"nothing") + packet(0x0A))  # a quiet miss, then NOOP
    assert read_packet(raw)[:2] == (0x0A, 0)


def test_binary_writes_and_their_answers(raw: socket.socket, index: str) -> None:
    set_extras = struct.pack(">II", 1 << 8, 0)  # PUT
    raw.sendall(packet(0x01, key=f"/{index}".encode(), extras=set_extras))
    assert read_packet(raw)[:2] == (0x01, 0)
    raw.sendall(packet(0x00, key=b"_djangoes/response"))
    assert b'"acknowledged":true' in read_packet(raw)[4]
    raw.sendall(packet(0x04, key=f"/{index}".encode()) + packet(0x04, key=f"/{index}".encode()))
    assert read_packet(raw)[:2] == (0x04, 0)
    assert read_packet(raw)[:2] == (0x04, 1)  # already gone: not found


def test_binary_errors_leave_the_connection_usable(raw: socket.socket) -> None:
    raw.sendall(packet(0x30, key=b"x"))  # an opcode the gateway does not know
    assert read_packet(raw)[:2] == (0x30, 0x81)
    raw.sendall(packet(0x01, key=b"/x", value=b"{}"))  # a SET without its extras
    assert read_packet(raw)[:2] == (0x01, 0x04)
    raw.sendall(packet(0x01, key=b"/x", extras=bytes(8), value=b"x" * TWO_MB))
    assert read_packet(raw)[:2] == (0x01, 0x03)  # too large
    raw.sendall(packet(0x0A))
    assert read_packet(raw)[:2] == (0x0A, 0)


def test_a_packet_that_is_no_request_closes_the_connection(raw: socket.socket) -> None:
    raw.sendall(packet(0x0A))
    assert read_packet(raw)[:2] == (0x0A, 0)
    raw.sendall(b"\x80\x0a\x00\x05" + bytes(20))  # a key longer than the body
    assert closed(raw)


# Whatever clients do, the gateway keeps serving


def test_after_abuse_a_valid_request_succeeds(gateway: MemcachedGateway, protocol: str) -> None:
    port = gateway.port
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"\x00\xff garbage\r\nset /x 0 0 5\r\nab\r\n")  # junk, then a short value
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"set / 0 0 %d\r\n" % TWO_MB + b"y" * (TWO_MB // 2))  # dropped mid-value
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"\x80\x01\x00")  # half a binary header
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        assert ask(sock, b"\x81" * 3000).startswith(b"CLIENT_ERROR")  # no line end in sight
        assert closed(sock)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as idle:
        client = memcached_client(port, binary=protocol == "binary", max_retries=0)
        assert client.info()["tagline"] == "You Know, for Search"
        client.close()
        assert ask(idle, b"version\r\n").startswith(b"VERSION")
