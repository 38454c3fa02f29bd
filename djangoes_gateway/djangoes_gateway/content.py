"""Content coding at a gateway: request bodies inflated before they go upstream, replies gzipped
for clients that ask.

A client's ``http_compress`` gzips request bodies (``content-encoding: gzip``) and asks for
gzipped responses (``accept-encoding: gzip``). An upstream takes bodies as they are (the coding
headers are a hop's, never forwarded), so the gateway undoes the one and does the other, as
Elasticsearch's HTTP layer does. Inflating stops at ``http.max_content_length``: a small gzip
bomb cannot make the gateway hold gigabytes.
"""

from __future__ import annotations

import gzip
import zlib

from .replies import Reply, error_reply

__all__ = [
    "COMPRESS_LEVEL",
    "COMPRESS_MIN_SIZE",
    "MAX_CONTENT_LENGTH",
    "ContentError",
    "accepts_gzip",
    "decoded",
    "encoded",
    "gzipped",
    "too_large",
]

#: Elasticsearch's default ``http.max_content_length``.
MAX_CONTENT_LENGTH = 100 * 1024 * 1024
#: Elasticsearch's default ``http.compression_level``.
COMPRESS_LEVEL = 3
#: Replies smaller than this go uncompressed: gzip would cost more than it saves.
COMPRESS_MIN_SIZE = 1024
_INFLATED_BY = {"gzip", "x-gzip", "deflate"}


class ContentError(ValueError):
    """A request body that cannot be decoded; :attr:`reply` is the error to answer."""

    def __init__(self, status: int, type: str, reason: str) -> None:
        super().__init__(reason)
        self.reply = error_reply(status, type, reason)


def too_large(limit: int) -> ContentError:
    """The 413 of a request body larger than ``limit`` (Elasticsearch's
    ``http.max_content_length``), read or inflated."""
    return ContentError(
        413,
        "content_too_long_exception",
        f"request body is larger than http.max_content_length [{limit}b]",
    )


def decoded(
    headers: dict[str, str], body: bytes | None, limit: int = MAX_CONTENT_LENGTH
) -> tuple[dict[str, str], bytes | None]:
    """The request's headers, lower-cased and without ``content-encoding``, and its body with
    that coding (gzip or deflate; several gzip members included) undone.

    :class:`ContentError` for an unknown coding (415), a body that does not inflate (400), or
    one larger than ``limit`` once inflated (413).
    """
    headers = {name.lower(): value for name, value in headers.items()}
    coding = headers.pop("content-encoding", "").strip().lower()
    if not body or coding in ("", "identity"):
        return headers, body
    if coding not in _INFLATED_BY:
        raise ContentError(
            415, "illegal_argument_exception", f"unsupported Content-Encoding [{coding}]"
        )
    return headers, _inflate(body, coding, limit)


def _inflate(data: bytes, coding: str, limit: int) -> bytes:
    out = bytearray()
    while data:
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # a gzip or a zlib header
        try:
            out += inflater.decompress(data, limit + 1 - len(out))
        except zlib.error as error:
            raise ContentError(
                400, "illegal_argument_exception", f"invalid {coding} request body: {error}"
            ) from None
        if len(out) > limit:
            raise too_large(limit)
        if not inflater.eof:
            raise ContentError(
                400, "illegal_argument_exception", f"truncated {coding} request body"
            )
        data = inflater.unused_data
    return bytes(out)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``accept-encoding`` value allows gzip: ``gzip``, ``x-gzip`` or ``*``, at a
    quality above 0."""
    for item in accept_encoding.lower().split(","):
        coding, *parameters = (part.strip() for part in item.split(";"))
        if coding in ("gzip", "x-gzip", "*"):
            quality = next((p[2:] for p in parameters if p.startswith("q=")), "1")
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


def gzipped(
    body: bytes, headers: dict[str, str], accept_encoding: str, min_size: int = COMPRESS_MIN_SIZE
) -> bytes | None:
    """``body`` gzipped if ``accept_encoding`` allows it, it is at least ``min_size`` bytes and
    ``headers`` give it no coding yet; otherwise None."""
    if (
        len(body) < max(min_size, 1)
        or any(name.lower() == "content-encoding" for name in headers)
        or not accepts_gzip(accept_encoding)
    ):
        return None
    return gzip.compress(body, COMPRESS_LEVEL, mtime=0)


def encoded(reply: Reply, accept_encoding: str, min_size: int = COMPRESS_MIN_SIZE) -> Reply:
    """``reply`` gzipped if ``accept_encoding`` allows it and it is worth it (:func:`gzipped`)."""
    body = gzipped(reply.body, reply.headers, accept_encoding, min_size)
    if body is None:
        return reply
    headers = {**reply.headers, "content-encoding": "gzip", "vary": "accept-encoding"}
    return Reply(reply.status, headers, body)
