"""memcached's text protocol, as the gateway speaks it.

Commands: ``get``/``gets`` (one key or more), ``set``/``add``/``replace`` (all three carry a
request; ``noreply`` is honoured), ``delete``, ``version`` and ``quit``. As memcached does, a
malformed line is answered with ``ERROR`` or ``CLIENT_ERROR`` and the connection goes on; a
value over the size limit is read, dropped and answered ``SERVER_ERROR object too large for
cache``; errors are sent even after ``noreply``. Only a line longer than 2048 bytes closes the
connection, since where it ends cannot be told.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import BinaryIO

from .session import VERSION, Session
from .stream import read_exactly, swallow
from .wire import MAX_KEY_LENGTH, WireError

logger = logging.getLogger("djangoes.memcached")

MAX_LINE = 2048
CRLF = b"\r\n"
ERROR = b"ERROR\r\n"
BAD_FORMAT = b"CLIENT_ERROR bad command line format\r\n"
BAD_CHUNK = b"CLIENT_ERROR bad data chunk\r\n"
TOO_LARGE = b"SERVER_ERROR object too large for cache\r\n"
STORAGE = frozenset({b"set", b"add", b"replace"})


def serve(
    stream: BinaryIO, send: Callable[[bytes], object], session: Session, max_value_size: int
) -> None:
    """Answer commands from ``stream`` until the client quits or leaves."""
    while True:
        line = stream.readline(MAX_LINE + 1)
        if not line.endswith(b"\n"):
            if len(line) > MAX_LINE:
                logger.warning(
                    "%s: a line over %d bytes: connection closed", session.peer, MAX_LINE
                )
                send(b"CLIENT_ERROR line too long\r\n")
            return
        words = line.split()
        name, args = (words[0], words[1:]) if words else (b"", [])
        answer: bytes | None
        if name in (b"get", b"gets"):
            answer = _get(session, args, with_cas=name == b"gets")
        elif name in STORAGE:
            answer = _store(stream, session, args, max_value_size)
            if answer is None:
                return
        elif name == b"delete":
            answer = _delete(session, args)
        elif name == b"version":
            answer = b"VERSION " + VERSION + CRLF
        elif name == b"quit":
            return
        else:
            answer = ERROR
        if answer:
            send(answer)


def _get(session: Session, keys: list[bytes], with_cas: bool) -> bytes:
    if not keys:
        return ERROR
    if any(len(key) > MAX_KEY_LENGTH for key in keys):
        return BAD_FORMAT
    answer = bytearray()
    for key in keys:
        value = session.get(key)
        if value is not None:
            answer += b"VALUE %s 0 %d%s\r\n" % (key, len(value), b" 0" if with_cas else b"")
            answer += value + CRLF
    return bytes(answer + b"END\r\n")


def _store(
    stream: BinaryIO, session: Session, args: list[bytes], max_value_size: int
) -> bytes | None:
    """The answer to a storage command; None if the client left while sending its value."""
    session.forget()  # whatever happens, no earlier answer may pass for this one's
    noreply = len(args) == 5 and args[4] == b"noreply"
    if len(args) != 4 and not noreply:
        return BAD_FORMAT
    key, flags, size = args[0], _number(args[1]), _number(args[3])
    if flags is None or size is None or _number(args[2].removeprefix(b"-")) is None:
        return BAD_FORMAT
    if flags >= 2**32 or len(key) > MAX_KEY_LENGTH or size > max_value_size:
        if not swallow(stream, size + 2):
            return None
        return TOO_LARGE if size > max_value_size else BAD_FORMAT
    data = read_exactly(stream, size + 2)
    if data is None:
        return None
    if not data.endswith(CRLF):
        return BAD_CHUNK
    try:
        session.store(key, flags, data[:-2])
    except WireError as error:
        return b"CLIENT_ERROR %s\r\n" % str(error).encode()
    return b"" if noreply else b"STORED\r\n"


def _delete(session: Session, args: list[bytes]) -> bytes:
    key, options = (args[0], args[1:]) if args else (b"", [])
    noreply = options[-1:] == [b"noreply"]
    if noreply:
        options = options[:-1]
    if not key or len(key) > MAX_KEY_LENGTH or options not in ([], [b"0"]):
        return BAD_FORMAT
    found = session.delete(key)
    if noreply:
        return b""
    return b"DELETED\r\n" if found else b"NOT_FOUND\r\n"


def _number(word: bytes) -> int | None:
    return int(word) if word.isdigit() else None
