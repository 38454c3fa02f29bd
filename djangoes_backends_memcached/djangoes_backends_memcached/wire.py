"""The wire format both ends share: how an HTTP request travels as memcached commands.

A request becomes one memcached command whose key is its target (percent-encoded path and
query string): ``get`` for GET and HEAD, ``set`` for PUT and POST with the body as value,
``delete`` for DELETE. The flags of a ``set`` name the HTTP method and the body's content type,
since memcached has nowhere else to carry them. A GET or HEAD with a body moves it into the
``source`` and ``source_content_type`` query parameters, as Elasticsearch allows.

Memcached cannot answer a write with more than "stored", so after every ``set`` or ``delete``
the client reads :data:`RESPONSE_KEY` on the same connection: the gateway keeps each
connection's last write response there. Whatever cannot be a key (longer than 250 bytes, not
printable ASCII) and a DELETE with a body travel as a ``set`` of :data:`REQUEST_KEY` whose
value is the target, CR LF, and the body. Every answer is a value: a status line, header
lines, a blank line and the body, as in HTTP. ``docs/memcached.md`` has the whole protocol.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote_from_bytes, urlencode

#: memcached's longest key, in bytes.
MAX_KEY_LENGTH = 250
#: A ``set`` of this key carries a whole request in its value: target, CR LF, body.
REQUEST_KEY = "_djangoes/request"
#: A ``get`` of this key answers the connection's last ``set`` or ``delete``, once.
RESPONSE_KEY = "_djangoes/response"
#: Method codes, in bits 8 to 11 of a storage command's flags (bits 0 to 7 are left to
#: clients' own serialization: pylibmc marks text with 16, and that still means POST).
METHODS = ("POST", "PUT", "GET", "HEAD", "DELETE")
#: Content-type codes of the body, in bits 12 to 15 of the flags.
CONTENT_TYPES = ("application/json", "application/x-ndjson")
#: The first bytes of every answer: a value that lacks them is not from a djangoes gateway.
RESPONSE_PREFIX = b"DJANGOES/1 "
_PRINTABLE = bytes(range(0x21, 0x7F))


class WireError(ValueError):
    """A command that does not follow the protocol (a bad key, unknown flags, no CR LF)."""


@dataclass(frozen=True)
class Command:
    """The memcached command that carries one request; ``follow_up``: then read the answer
    from :data:`RESPONSE_KEY`."""

    op: Literal["get", "set", "delete"]
    key: str
    value: bytes = b""
    flags: int = 0

    @property
    def follow_up(self) -> bool:
        return self.op != "get"


def is_key(key: str) -> bool:
    """Whether memcached accepts ``key``: printable ASCII without spaces, 250 bytes at most."""
    return len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable() and " " not in key


def content_type_code(content_type: str | None) -> int:
    """The code of a request's content type: NDJSON (any flavour) or else JSON."""
    return 1 if content_type and "ndjson" in content_type.lower() else 0


def flags_for(method: str, content_type: str | None) -> int:
    return METHODS.index(method) << 8 | content_type_code(content_type) << 12


def command_for(method: str, target: str, body: bytes | None, content_type: str | None) -> Command:
    """The command that carries ``method target`` with ``body`` (the client's side)."""
    method = method.upper()
    if method not in METHODS:
        raise WireError(f"the memcached transport cannot carry the method {method}")
    body = body or b""
    key: str | None = target
    if method in ("GET", "HEAD") and body:
        key = _with_source(target, body, CONTENT_TYPES[content_type_code(content_type)])
    if key is not None and is_key(key):
        if method in ("GET", "HEAD"):
            return Command("get", key)
        if method in ("PUT", "POST"):
            return Command("set", key, body, flags_for(method, content_type))
        if not body:
            return Command("delete", key)
    if "\r" in target or "\n" in target:
        raise WireError(f"a request target cannot hold CR or LF: {target!r}")
    value = target.encode("utf-8") + b"\r\n" + body
    return Command("set", REQUEST_KEY, value, flags_for(method, content_type))


def _with_source(target: str, body: bytes, content_type: str) -> str | None:
    try:
        source = body.decode("utf-8")
    except UnicodeDecodeError:
        return None  # not text: the whole request goes as an envelope
    query = urlencode({"source": source, "source_content_type": content_type})
    return f"{target}{'&' if '?' in target else '?'}{query}"


@dataclass(frozen=True)
class Request:
    """The HTTP request a command carries (the gateway's side)."""

    method: str
    target: str
    body: bytes
    headers: dict[str, str]


def request_for(op: str, key: bytes, flags: int = 0, value: bytes = b"") -> Request:
    """The request of a ``get``, storage or ``delete`` command; :class:`WireError` if none."""
    if op == "get":
        return Request("GET", _target(key), b"", {})
    if op == "delete":
        return Request("DELETE", _target(key), b"", {})
    method_code, type_code = flags >> 8 & 0xF, flags >> 12 & 0xF
    if method_code >= len(METHODS) or type_code >= len(CONTENT_TYPES) or flags >> 16:
        raise WireError(f"unknown flags {flags}")
    if key == REQUEST_KEY.encode():
        raw_target, separator, value = value.partition(b"\r\n")
        if not separator:
            raise WireError(f"the value of {REQUEST_KEY} has no CR LF after its target")
        target = _target(raw_target)
    else:
        target = _target(key)
    headers = {"content-type": CONTENT_TYPES[type_code]} if value else {}
    return Request(METHODS[method_code], target, value, headers)


def _target(key: bytes) -> str:
    if not key.startswith(b"/"):
        raise WireError("a key is a request target, which starts with '/'")
    # A client that sent raw UTF-8 (or anything beyond ASCII) gets it percent-encoded.
    return quote_from_bytes(key, safe=_PRINTABLE)


def encode_response(status: int, headers: dict[str, str], body: bytes) -> bytes:
    """An answer as the value of a ``get``: status line, header lines, blank line, body."""
    lines = [RESPONSE_PREFIX + str(status).encode()]
    lines += [f"{name}: {value}".encode("latin-1") for name, value in headers.items()]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def decode_response(value: bytes) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of an answer; :class:`WireError` if it is not one."""
    if not value.startswith(RESPONSE_PREFIX):
        raise WireError("the value is not a djangoes gateway's answer")
    head, separator, body = value.partition(b"\r\n\r\n")
    if not separator:
        raise WireError("the answer has no blank line after its headers")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(status_line[len(RESPONSE_PREFIX) :])
    except ValueError:
        raise WireError(f"the answer has a bad status line {status_line!r}") from None
    headers = {}
    for line in header_lines:
        name, colon, field = line.partition(":")
        if not colon:
            raise WireError(f"the answer has a bad header line {line!r}")
        headers[name.strip().lower()] = field.strip()
    return status, headers, body
