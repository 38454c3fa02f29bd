"""The write-ahead log of an index kept on disk.

Every acknowledged write is in the translog before the response leaves, and in tantivy after the
next commit; on open, the operations of the translog are replayed over the last commit. Replay is
idempotent (an operation overwrites or removes a whole document), so a crash between a tantivy
commit and the truncation of the translog replays operations that are already there, harmlessly.

Records are framed as ``length, crc32, JSON payload``: a record torn by a crash fails its length
or checksum and ends the replay there; it was never acknowledged.
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from collections.abc import Iterator
from typing import Any

_HEADER = struct.Struct("<II")


class Translog:
    def __init__(self, path: str, *, fsync: bool = True) -> None:
        self.path = path
        self.fsync = fsync
        self.buffer = bytearray()
        self.file = open(path, "ab", buffering=0)  # noqa: SIM115 (kept open for the index's life)

    def add(self, record: dict[str, Any], source: bytes | None = None) -> None:
        """Queue one operation; ``source`` (raw JSON) is spliced in without re-encoding."""
        payload = json.dumps(record, separators=(",", ":")).encode()
        if source is not None:
            payload = payload[:-1] + b',"src":' + source + b"}"
        self.buffer += _HEADER.pack(len(payload), zlib.crc32(payload)) + payload

    def sync(self) -> None:
        """Write queued operations to the file (and to the disk, per ``index.translog.durability``).

        Called before a write request is acknowledged: once written to the file, an operation
        survives the process being killed; once fsynced, a power loss too.
        """
        if not self.buffer:
            return
        self.file.write(self.buffer)
        self.buffer.clear()
        if self.fsync:
            os.fsync(self.file.fileno())

    def truncate(self) -> None:
        """Forget every operation: they are all in a durable tantivy commit now."""
        self.sync()
        self.file.truncate(0)
        self.file.seek(0)
        os.fsync(self.file.fileno())

    def close(self) -> None:
        self.sync()
        self.file.close()

    @staticmethod
    def replay(path: str) -> Iterator[dict[str, Any]]:
        """The intact operations in ``path``, oldest first."""
        if not os.path.exists(path):
            return
        with open(path, "rb") as handle:
            data = handle.read()
        offset = 0
        while offset + _HEADER.size <= len(data):
            length, checksum = _HEADER.unpack_from(data, offset)
            start = offset + _HEADER.size
            payload = data[start : start + length]
            if len(payload) != length or zlib.crc32(payload) != checksum:
                return
            yield json.loads(payload)
            offset = start + length
