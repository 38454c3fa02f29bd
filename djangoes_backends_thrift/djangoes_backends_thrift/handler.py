"""The ``Rest`` service of the gateway: each ``RestRequest`` executed against the upstream.

Thrift has no content coding of its own, so the gateway does HTTP's
(:mod:`djangoes_gateway.content`): a request body with ``content-encoding: gzip`` is inflated
before it goes upstream, and a reply is gzipped when the request's ``accept-encoding`` allows it
(a client's ``http_compress``).
"""

from __future__ import annotations

import logging

from djangoes_gateway.content import ContentError, decoded, encoded
from djangoes_gateway.replies import error_reply
from djangoes_gateway.upstreams import Upstream

from .generated.ttypes import RestRequest, RestResponse
from .messages import http_request

__all__ = ["RestHandler", "logger"]

logger = logging.getLogger("djangoes.thrift")


class RestHandler:
    """What ``Rest.Processor`` calls; never raises (a failure is an error response)."""

    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream

    def execute(self, request: RestRequest) -> RestResponse:
        try:
            method, target, headers, body = http_request(request)
            headers, body = decoded(headers, body)
        except ContentError as error:  # a body that does not decode
            reply = error.reply
        except ValueError as error:  # no method or uri
            reply = error_reply(400, "illegal_argument_exception", f"bad RestRequest: {error}")
        else:
            reply = self.upstream.execute(method, target, headers, body)
            reply = encoded(reply, headers.get("accept-encoding", ""))
        return RestResponse(status=reply.status, headers=reply.headers, body=reply.body)
