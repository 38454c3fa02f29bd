"""memcached's binary protocol, as the gateway speaks it (pylibmc's ``binary=True``).

Opcodes: GET, GETQ, GETK, GETKQ, SET, ADD, REPLACE (and their quiet forms), DELETE(Q),
NOOP, VERSION and QUIT(Q), and SASL's (:mod:`.sasl`) when the gateway has users; any other is
answered "unknown command" and the connection goes on.
A value over the size limit is read, dropped and answered "value too large". A packet whose
header is not a request's (bad magic, lengths that do not add up) closes the connection: the
stream can no longer be followed.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable
from typing import BinaryIO

from . import sasl
from .session import VERSION, Session
from .stream import read_exactly, swallow
from .wire import MAX_KEY_LENGTH, WireError

logger = logging.getLogger("djangoes.memcached")

HEADER = struct.Struct(">BBHBBHIIQ")
REQUEST_MAGIC = 0x80
RESPONSE_MAGIC = 0x81

GET, SET, ADD, REPLACE, DELETE, QUIT = 0x00, 0x01, 0x02, 0x03, 0x04, 0x07
GETQ, NOOP, VERSION_OP, GETK, GETKQ = 0x09, 0x0A, 0x0B, 0x0C, 0x0D
SETQ, ADDQ, REPLACEQ, DELETEQ, QUITQ = 0x11, 0x12, 0x13, 0x14, 0x17
GETS = frozenset({GET, GETQ, GETK, GETKQ})
STORES = frozenset({SET, ADD, REPLACE, SETQ, ADDQ, REPLACEQ})
QUIET = frozenset({GETQ, GETKQ, SETQ, ADDQ, REPLACEQ, DELETEQ, QUITQ})

#: The extras of a value: its flags, always 0 (answers are raw bytes to every client).
NO_FLAGS = bytes(4)

OK, NOT_FOUND, TOO_LARGE, INVALID, AUTH_ERROR, UNKNOWN = 0x00, 0x01, 0x03, 0x04, 0x20, 0x81
#: What memcached answers a refused authentication, and any command before one succeeded.
AUTH_FAILURE = b"Auth failure."


def serve(
    stream: BinaryIO, send: Callable[[bytes], object], session: Session, max_value_size: int
) -> None:
    """Answer packets from ``stream`` until the client quits or leaves."""
    while True:
        header = read_exactly(stream, HEADER.size)
        if header is None:
            return
        magic, opcode, key_length, extras_length, _, _, body_length, opaque, _ = HEADER.unpack(
            header
        )
        if magic != REQUEST_MAGIC or body_length < key_length + extras_length:
            logger.warning("%s: not a binary request packet: connection closed", session.peer)
            return
        if body_length - key_length - extras_length > max_value_size:
            session.forget()
            if not swallow(stream, body_length):
                return
            send(_packet(opcode, TOO_LARGE, opaque, value=b"Too large."))
            continue
        body = read_exactly(stream, body_length)
        if body is None:
            return
        extras, key = body[:extras_length], body[extras_length : extras_length + key_length]
        value = body[extras_length + key_length :]
        if opcode in (QUIT, QUITQ):
            if opcode == QUIT:
                send(_packet(opcode, OK, opaque))
            return
        if session.authenticator is not None and opcode in sasl.OPCODES:
            status, reply = _authenticate(session, opcode, key, value)
            send(_packet(opcode, status, opaque, value=reply))
            continue
        if not session.allowed and opcode != VERSION_OP:  # memcached answers even quiet ones
            send(_packet(opcode, AUTH_ERROR, opaque, value=AUTH_FAILURE))
            continue
        status, reply = _execute(session, opcode, extras, key, value)
        if status == OK and opcode in GETS:
            keyed = opcode in (GETK, GETKQ)
            send(_packet(opcode, OK, opaque, NO_FLAGS, key if keyed else b"", reply))
        elif opcode not in QUIET or (status != OK and opcode not in GETS):
            send(_packet(opcode, status, opaque, value=reply))


def _execute(
    session: Session, opcode: int, extras: bytes, key: bytes, value: bytes
) -> tuple[int, bytes]:
    """The status and value of one command."""
    writes = opcode in STORES or opcode in (DELETE, DELETEQ)
    if writes:
        session.forget()  # whatever happens, no earlier answer may pass for this one's
    if (writes or opcode in GETS) and (not key or len(key) > MAX_KEY_LENGTH):
        return INVALID, b"Invalid arguments"
    if opcode in GETS:
        if extras or value:
            return INVALID, b"Invalid arguments"
        found = session.get(key)
        return (OK, found) if found is not None else (NOT_FOUND, b"Not found")
    if opcode in STORES:
        if len(extras) != 8:
            return INVALID, b"Invalid arguments"
        try:
            session.store(key, struct.unpack(">I", extras[:4])[0], value)
        except WireError as error:
            return INVALID, str(error).encode()
        return OK, b""
    if opcode in (DELETE, DELETEQ):
        return (OK, b"") if session.delete(key) else (NOT_FOUND, b"Not found")
    if opcode == NOOP:
        return OK, b""
    if opcode == VERSION_OP:
        return OK, VERSION
    return UNKNOWN, b"Unknown command"


def _authenticate(session: Session, opcode: int, key: bytes, value: bytes) -> tuple[int, bytes]:
    """The status and value of a SASL command: the mechanisms, or the outcome of PLAIN (which
    has no steps: a SASL_STEP is refused)."""
    assert session.authenticator is not None
    if opcode == sasl.LIST_MECHS:
        return OK, sasl.MECHANISMS
    if opcode == sasl.AUTH:
        session.principal = sasl.plain(session.authenticator, key, value, session.peer)
        if session.principal is not None:
            return OK, b"Authenticated"
    session.principal = None  # a failed attempt undoes an earlier success
    return AUTH_ERROR, AUTH_FAILURE


def _packet(
    opcode: int, status: int, opaque: int, extras: bytes = b"", key: bytes = b"", value: bytes = b""
) -> bytes:
    length = len(extras) + len(key) + len(value)
    header = HEADER.pack(
        RESPONSE_MAGIC, opcode, len(key), len(extras), 0, status, length, opaque, 0
    )
    return header + extras + key + value
