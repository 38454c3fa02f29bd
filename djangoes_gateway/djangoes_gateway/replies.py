"""What an upstream answers, and what a gateway answers for it when it cannot.

Errors are in Elasticsearch's shape (``{"error": {...}, "status": N}``, with the
``x-elastic-product`` header), so that Elasticsearch clients raise the same exceptions through a
gateway as they would from Elasticsearch itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .authentication import AuthenticationFailed

__all__ = [
    "HOP_HEADERS",
    "UPSTREAM_FAILED",
    "Reply",
    "error_reply",
    "forwarded",
    "refused",
    "upstream_failed",
]

#: Headers that describe one HTTP hop, not the request: never forwarded either way.
HOP_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "host",
        "content-length",
        "transfer-encoding",
        "content-encoding",
        "accept-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-authorization",
        "proxy-connection",
    }
)

#: A gateway's status for a request its upstream failed to answer (unreachable, reset, broken):
#: a proxy's 502 Bad Gateway, which Elasticsearch clients retry on another node.
UPSTREAM_FAILED = 502


@dataclass
class Reply:
    """An upstream's answer to one request."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def _json_reply(status: int, body: object, headers: dict[str, str] | None = None) -> Reply:
    """A JSON answer as Elasticsearch gives it (its product header), with ``headers``."""
    return Reply(
        status,
        {
            "content-type": "application/json",
            "x-elastic-product": "Elasticsearch",
            **(headers or {}),
        },
        json.dumps(body).encode(),
    )


def error_reply(status: int, type: str, reason: str) -> Reply:
    """An error in Elasticsearch's shape."""
    cause = {"type": type, "reason": reason}
    return _json_reply(status, {"error": {"root_cause": [cause], **cause}, "status": status})


def refused(failure: AuthenticationFailed) -> Reply:
    """Elasticsearch's answer to a request refused for its credentials: the 401, its error body
    and its ``WWW-Authenticate`` challenge."""
    headers = {name.lower(): value for name, value in failure.headers.items()}
    return _json_reply(failure.status, failure.to_dict(), headers)


def upstream_failed(upstream: object, reason: str) -> Reply:
    """The answer to a request ``upstream`` failed to answer: :data:`UPSTREAM_FAILED`, whatever
    the protocol or the upstream."""
    return error_reply(
        UPSTREAM_FAILED, "gateway_upstream_exception", f"upstream {upstream!r}: {reason}"
    )


def forwarded(headers: dict[str, str] | None) -> dict[str, str]:
    """The end-to-end headers of a request or response, lower-cased."""
    return {
        name.lower(): value
        for name, value in (headers or {}).items()
        if name.lower() not in HOP_HEADERS
    }
