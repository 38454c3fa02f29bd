"""The request and response of the engine's REST interface, independent of any transport.

The in-process node and the HTTP server both hand the engine a :class:`Request` and send back
the :class:`Response` it returns, so the two speak exactly the same API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from djangoes_gateway.authentication import Principal

    from .api_keys import ApiKeys

#: Headers on every response: elasticsearch-py refuses a server without the product header.
BASE_HEADERS = {"X-Elastic-Product": "Elasticsearch"}
JSON = "application/json"
#: How opensearch-py names itself (``opensearch-py/3.2.0 (Python 3.11.9)``): its requests are
#: answered as OpenSearch answers them (see :attr:`Request.opensearch`).
OPENSEARCH_AGENT = "opensearch-py/"


@dataclass(slots=True)
class Request:
    method: str
    #: The path as sent, still percent-encoded: ids may contain an encoded ``/``.
    path: str
    params: dict[str, str]
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: The query string as sent (without ``?``): errors quote the URI whole, as Elasticsearch's.
    query: str = ""
    #: Who the server authenticated the request as; None where the server authenticates no one
    #: (on loopback without ``--users``, or in-process).
    principal: Principal | None = None
    #: The server's API keys (``_security/api_key``); None where the server authenticates no one.
    api_keys: ApiKeys | None = None

    @property
    def opensearch(self) -> bool:
        """Whether opensearch-py sent the request: OpenSearch's answers differ from
        Elasticsearch's in the root endpoint's version (``distribution: opensearch``, an
        OpenSearch number and tagline) and in the product header, which OpenSearch never sends."""
        return self.headers.get("user-agent", "").startswith(OPENSEARCH_AGENT)

    @property
    def uri(self) -> str:
        """The request target as sent: the path and its query string."""
        return f"{self.path}?{self.query}" if self.query else self.path

    @classmethod
    def from_target(
        cls, method: str, target: str, body: bytes | None = None, headers: dict | None = None
    ) -> Request:
        """Build a request from an HTTP request target such as ``/idx/_doc/1?refresh=true``."""
        path, _, query = target.partition("?")
        params = dict(parse_qsl(query, keep_blank_values=True)) if query else {}
        return cls(
            method=method.upper(),
            path=path,
            params=params,
            body=body or b"",
            headers={k.lower(): v for k, v in (headers or {}).items()},
            query=query,
        )


@dataclass(slots=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)
    #: Whether to send Elasticsearch's product header (not to opensearch-py: OpenSearch does not).
    product: bool = True

    def all_headers(self) -> dict[str, str]:
        """The headers to send, product header and content type included."""
        headers = {**(BASE_HEADERS if self.product else {}), **self.headers}
        if self.content_type:
            headers["Content-Type"] = self.content_type
        return headers
