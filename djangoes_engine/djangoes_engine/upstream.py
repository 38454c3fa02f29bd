"""The engine as a gateway's upstream, in the gateway's own process.

djangoes-engine registers :class:`EmbeddedUpstream` as ``embedded`` in the ``djangoes.upstreams``
entry points, so that ``djangoes-thrift-gateway --upstream embedded`` (in memory) or
``--upstream embedded:DIR`` (on a data directory) finds it without the gateway naming it.
"""

from __future__ import annotations

from djangoes_gateway.replies import Reply, forwarded

from .engine import Engine
from .http import Request

__all__ = ["EmbeddedUpstream"]


class EmbeddedUpstream:
    """The engine in this process: in memory, or on the data directory ``path``."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self.engine = Engine(path=path)

    def __repr__(self) -> str:
        return f"<EmbeddedUpstream {self.path or 'in memory'}>"

    def execute(
        self, method: str, target: str, headers: dict[str, str] | None, body: bytes | None
    ) -> Reply:
        response = self.engine.handle(Request.from_target(method, target, body, forwarded(headers)))
        data = response.body if method.upper() != "HEAD" else b""
        return Reply(response.status, forwarded(response.all_headers()), data)

    def close(self) -> None:
        self.engine.close()
