"""Reading a client's byte stream: what both protocols need besides parsing."""

from __future__ import annotations

from typing import BinaryIO

CHUNK = 64 * 1024


def read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    """``size`` bytes, or None if the client went away first."""
    data = stream.read(size)
    return data if len(data) == size else None


def swallow(stream: BinaryIO, size: int) -> bool:
    """Read and drop ``size`` bytes (a value refused for its size); False if the client left."""
    while size > 0:
        data = stream.read(min(size, CHUNK))
        if not data:
            return False
        size -= len(data)
    return True
