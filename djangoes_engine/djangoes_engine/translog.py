"""The write-ahead log of an index kept on disk.

Every acknowledged write is in the translog before the response leaves, and in tantivy after the
next commit; on open, the operations of the translog are replayed over the last commit. Replay is
idempotent (an operation overwrites or removes a whole document), so a crash between a tantivy
commit and the truncation of the translog replays operations that are already there, harmlessly.

Records are framed as ``length, crc32, JSON payload``: a record torn by a crash fails its length
or checksum and ends the replay there; it was never acknowledged. Opening a translog cuts such a
tail off, and a write that fails puts the file back to its last whole record, so that nothing is
ever appended behind a torn record (where replay would never reach it).
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import orjson

_HEADER = struct.Struct("<II")


class Translog:
    def __init__(self, path: str, *, fsync: bool = True) -> None:
        self.path = path
        self.fsync = fsync
        self.buffer = bytearray()
        #: The highest sequence number queued in :attr:`buffer`, lost if writing it fails.
        self.buffered_seq_no = -1
        self.file = open(path, "ab", buffering=0)  # noqa: SIM115 (kept open for the index's life)
        #: Bytes of whole records in the file: where the next write goes.
        self.size = _intact_size(path)
        if os.fstat(self.file.fileno()).st_size != self.size:
            os.ftruncate(self.file.fileno(), self.size)

    def add(self, record: dict[str, Any], source: bytes | None = None) -> None:
        """Queue one operation; ``source`` (raw JSON) is spliced in without re-encoding."""
        try:
            payload = orjson.dumps(record)
        except orjson.JSONEncodeError:  # a lone surrogate in an id: JSON's escape keeps it
            payload = json.dumps(record, separators=(",", ":")).encode()
        if source is not None:
            payload = payload[:-1] + b',"src":' + source + b"}"
        self.buffer += _HEADER.pack(len(payload), zlib.crc32(payload)) + payload
        self.buffered_seq_no = record["s"]

    def sync(self) -> None:
        """Write queued operations to the file (and to the disk, per ``index.translog.durability``).

        Called before a write request is acknowledged: once written to the file, an operation
        survives the process being killed; once fsynced, a power loss too. On an ``OSError``
        (disk full, read-only file system...) the queued operations are dropped, never to be
        acknowledged, and the file is cut back to its last whole record.
        """
        if not self.buffer:
            return
        data = bytes(self.buffer)
        self.buffer.clear()
        descriptor = self.file.fileno()
        try:
            written = 0
            while written < len(data):  # an unbuffered write may take only part of the data
                written += os.write(descriptor, data[written:])
            if self.fsync:
                os.fsync(descriptor)
        except OSError:
            # Failing too, this leaves a torn tail: cut off when the translog is next opened.
            with contextlib.suppress(OSError):
                os.ftruncate(descriptor, self.size)
            raise
        self.size += len(data)

    def truncate(self) -> None:
        """Forget every operation, queued or written: a durable tantivy commit holds them all."""
        self.buffer.clear()
        os.ftruncate(self.file.fileno(), 0)
        os.fsync(self.file.fileno())
        self.size = 0

    def close(self) -> None:
        """Write what is queued and close the file; the file is closed even if the write fails."""
        try:
            self.sync()
        finally:
            self.file.close()

    @staticmethod
    def replay(path: str) -> Iterator[dict[str, Any]]:
        """The intact operations in ``path``, oldest first."""
        if not os.path.exists(path):
            return
        with open(path, "rb") as handle:
            data = handle.read()
        for start, length in _records(data):
            yield json.loads(data[start : start + length])


def _records(data: bytes) -> Iterator[tuple[int, int]]:
    """``(offset, length)`` of each intact payload in ``data``, up to the first torn record."""
    offset = 0
    while offset + _HEADER.size <= len(data):
        length, checksum = _HEADER.unpack_from(data, offset)
        start = offset + _HEADER.size
        payload = data[start : start + length]
        if len(payload) != length or zlib.crc32(payload) != checksum:
            return
        yield start, length
        offset = start + length


def _intact_size(path: str) -> int:
    """The length of the whole records at the start of the file at ``path``."""
    with open(path, "rb") as handle:
        data = handle.read()
    end = 0
    for start, length in _records(data):
        end = start + length
    return end
