"""What a gateway connection's commands mean, whichever protocol (text or binary) carried them.

Each connection has a :class:`Session`: ``get``, storage and ``delete`` commands become
requests to the upstream, and the answer to the last storage or ``delete`` waits in the
session until the client reads :data:`~.wire.RESPONSE_KEY`. Keeping it per connection is what
makes concurrent clients safe: a pylibmc client holds its connection for a whole request.
"""

from __future__ import annotations

import logging

from djangoes_gateway.authentication import Authenticator, Principal
from djangoes_gateway.replies import Reply
from djangoes_gateway.upstreams import Upstream

from .wire import RESPONSE_KEY, Request, encode_response, request_for

logger = logging.getLogger("djangoes.memcached")

#: What ``version`` answers: a memcached version first (clients parse it), then who we are.
VERSION = b"1.6.0-djangoes"
_RESPONSE_KEY = RESPONSE_KEY.encode()


class Session:
    """One client connection's view of the upstream."""

    def __init__(
        self, upstream: Upstream, peer: str = "?", authenticator: Authenticator | None = None
    ) -> None:
        self.upstream = upstream
        self.peer = peer
        #: Who the connection must authenticate with (SASL), if anyone; and who it proved to be.
        self.authenticator = authenticator
        self.principal: Principal | None = None
        #: The encoded answer to the last storage or delete command, until it is read.
        self.pending: bytes | None = None

    @property
    def allowed(self) -> bool:
        """Whether the connection may send commands: no authentication, or it authenticated."""
        return self.authenticator is None or self.principal is not None

    def get(self, key: bytes) -> bytes | None:
        """The value of ``key``: an upstream answer, the pending one, or None (a miss)."""
        if key == _RESPONSE_KEY:
            value, self.pending = self.pending, None
            return value
        if not key.startswith(b"/"):
            logger.debug("%s: get of %r, which is no request target: a miss", self.peer, key)
            return None
        return _encode(self._execute(request_for("get", key)))

    def store(self, key: bytes, flags: int, value: bytes) -> None:
        """Carry out a storage command; :class:`~.wire.WireError` if it carries no request."""
        self.pending = None
        self.pending = _encode(self._execute(request_for("set", key, flags, value)))

    def delete(self, key: bytes) -> bool:
        """Carry out a ``delete``; whether the upstream found what it named (not a 404)."""
        self.pending = None
        if not key.startswith(b"/"):
            return False
        reply = self._execute(request_for("delete", key))
        self.pending = _encode(reply)
        return reply.status != 404

    def forget(self) -> None:
        """Drop the pending answer: the command that followed it was refused."""
        self.pending = None

    def _execute(self, request: Request) -> Reply:
        return self.upstream.execute(
            request.method, request.target, request.headers, request.body or None
        )


def _encode(reply: Reply) -> bytes:
    return encode_response(reply.status, reply.headers, reply.body)
