"""The ``Rest`` service of the gateway: each ``RestRequest`` executed against the upstream.

Thrift has no content coding of its own, so the gateway does HTTP's
(:mod:`djangoes_gateway.content`): a request body with ``content-encoding: gzip`` is inflated
before it goes upstream, and a reply is gzipped when the request's ``accept-encoding`` allows it
(a client's ``http_compress``).

Credentials travel as they do over HTTP, in the request's ``Authorization`` header (the
``headers`` map). Whoever checks them, the header goes no further than told: a gateway with an
:class:`~djangoes_gateway.authentication.Authenticator` checks it and refuses a request
without right credentials with Elasticsearch's 401 (after the authenticator's delay, in the
connection's own thread), then drops it; one that forwards credentials sends it to the
upstream, which decides; any other drops it, and says so once a connection.
"""

from __future__ import annotations

import logging
import time

from djangoes_gateway.authentication import AuthenticationFailed, Authenticator
from djangoes_gateway.content import ContentError, decoded, encoded
from djangoes_gateway.replies import Reply, error_reply, refused
from djangoes_gateway.upstreams import Upstream

from .generated.ttypes import RestRequest, RestResponse
from .messages import http_request

__all__ = ["RestHandler", "logger", "take_authorization"]

logger = logging.getLogger("djangoes.thrift")


class RestHandler:
    """What ``Rest.Processor`` calls for one connection (from ``peer``); never raises (a
    failure is an error response).

    ``authenticator``: check each request's credentials; ``forward_credentials``: send them to
    the upstream instead (not both).
    """

    def __init__(
        self,
        upstream: Upstream,
        *,
        peer: str = "",
        authenticator: Authenticator | None = None,
        forward_credentials: bool = False,
    ) -> None:
        self.upstream = upstream
        self.peer = peer
        self.authenticator = authenticator
        self.forward_credentials = forward_credentials
        self._dropped = False  # whether an unused Authorization header was logged already

    def execute(self, request: RestRequest) -> RestResponse:
        try:
            method, target, headers, body = http_request(request)
            refused = self._authenticate(method, target, headers)
            if refused is not None:
                reply = refused
            else:
                headers, body = decoded(headers, body)
                reply = self.upstream.execute(method, target, headers, body)
                reply = encoded(reply, headers.get("accept-encoding", ""))
        except ContentError as error:  # a body that does not decode
            reply = error.reply
        except ValueError as error:  # no method or uri
            reply = error_reply(400, "illegal_argument_exception", f"bad RestRequest: {error}")
        return RestResponse(status=reply.status, headers=reply.headers, body=reply.body)

    def _authenticate(self, method: str, target: str, headers: dict[str, str]) -> Reply | None:
        """The refusal of a request without right credentials, or None; ``headers`` keep the
        ``Authorization`` header only when it is forwarded."""
        if self.forward_credentials:
            return None
        authorization = take_authorization(headers)
        if self.authenticator is None:
            if authorization is not None and not self._dropped:
                self._dropped = True
                logger.warning(
                    "%s: a request's Authorization header was dropped: this gateway checks no "
                    "credentials (--users) and forwards none (--forward-credentials)",
                    self.peer,
                )
            return None
        try:
            self.authenticator.authenticate(
                authorization, peer=self.peer, request=f"{method} {target.partition('?')[0]}"
            )
        except AuthenticationFailed as failure:
            time.sleep(failure.delay)  # the brute-force slowdown, in this connection's thread
            return refused(failure)
        return None


def take_authorization(headers: dict[str, str]) -> str | None:
    """Remove the ``Authorization`` header from ``headers`` (whatever its case: thrift clients
    other than djangoes' may capitalise it); its value, or None."""
    value = None
    for name in [name for name in headers if name.lower() == "authorization"]:
        value = headers.pop(name)
    return value
