"""The ``Rest`` service of the gateway: each ``RestRequest`` executed against the upstream.

Content coding is the gateway's, since Thrift has none of its own: a request body with
``content-encoding: gzip`` is decoded before it goes upstream, and a response is gzipped when
the request's ``accept-encoding`` allows it (a client's ``http_compress``). The log names
method, path, status and time, never bodies, parameters or headers.
"""

from __future__ import annotations

import gzip
import logging
import time
import zlib

from djangoes.gateway import Reply, Upstream, error_reply

from .generated.ttypes import RestRequest, RestResponse
from .messages import http_request

__all__ = ["RestHandler", "logger"]

logger = logging.getLogger("djangoes.thrift")


class RestHandler:
    """What ``Rest.Processor`` calls; never raises (a failure is an error response)."""

    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream

    def execute(self, request: RestRequest) -> RestResponse:
        start = time.monotonic()
        try:
            method, target, headers, body = decoded(request)
        except (ValueError, EOFError, OSError, zlib.error) as error:
            method, target = "?", "?"
            reply = error_reply(400, "illegal_argument_exception", f"bad RestRequest: {error}")
        else:
            reply = self._forward(method, target, headers, body)
        logger.debug(
            "%s %s -> %d (%.1f ms)",
            method,
            target.partition("?")[0],
            reply.status,
            (time.monotonic() - start) * 1e3,
        )
        return RestResponse(status=reply.status, headers=reply.headers, body=reply.body)

    def _forward(
        self, method: str, target: str, headers: dict[str, str], body: bytes | None
    ) -> Reply:
        try:
            reply = self.upstream.execute(method, target, headers, body)
        except Exception as error:
            logger.exception("%s %s failed", method, target.partition("?")[0])
            return error_reply(500, "gateway_exception", repr(error))
        if reply.body and "gzip" in headers.get("accept-encoding", ""):
            compressed = gzip.compress(reply.body, compresslevel=3)
            reply = Reply(reply.status, {**reply.headers, "content-encoding": "gzip"}, compressed)
        return reply


def decoded(request: RestRequest) -> tuple[str, str, dict[str, str], bytes | None]:
    """Method, target, lower-cased headers and body, the body's gzip content coding undone."""
    method, target, headers, body = http_request(request)
    headers = {name.lower(): value for name, value in headers.items()}
    if headers.get("content-encoding") == "gzip":
        del headers["content-encoding"]
        body = gzip.decompress(body) if body else body
    return method, target, headers, body
