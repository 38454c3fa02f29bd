"""An HTTP request as a ``RestRequest``, and back: what the node sends, what the gateway runs.

The request target is split: ``uri`` is its path, still percent-encoded as on an HTTP request
line (so ids such as ``a/b c?d=é`` arrive intact), and ``parameters`` its query string,
decoded. A map holds one value a key: a key repeated in the query string is sent once, its
values joined by commas, which is how Elasticsearch reads a list parameter. The gateway also
takes a query string left in ``uri`` (older clients sent one), ahead of ``parameters``.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, quote, urlencode

from .generated.ttypes import Method, RestRequest

__all__ = ["http_request", "query_parameters", "rest_request"]


def query_parameters(query: str) -> dict[str, str]:
    """A query string as the ``parameters`` map: repeated keys joined by commas."""
    parameters: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        parameters[key] = f"{parameters[key]},{value}" if key in parameters else value
    return parameters


def rest_request(
    method: str, target: str, headers: Mapping[str, str], body: bytes | None
) -> RestRequest:
    """The ``RestRequest`` for an HTTP request (``target``: path and query string)."""
    try:
        code = Method._NAMES_TO_VALUES[method.upper()]
    except KeyError:
        names = ", ".join(Method._NAMES_TO_VALUES)
        raise ValueError(f"the thrift Rest service has no method {method!r} ({names})") from None
    path, _, query = target.partition("?")
    return RestRequest(
        method=code,
        uri=path,
        parameters=query_parameters(query) or None,
        headers=dict(headers) or None,
        body=body or None,
    )


def http_request(request: RestRequest | None) -> tuple[str, str, dict[str, str], bytes | None]:
    """Method, target, headers and body of a ``RestRequest``; ValueError if it has none."""
    if request is None or request.uri is None:
        raise ValueError("a RestRequest needs a method and a uri")
    method = Method._VALUES_TO_NAMES.get(request.method)
    if method is None:
        raise ValueError(f"unknown RestRequest method {request.method!r}")
    path, _, query = request.uri.partition("?")
    if not path.startswith("/"):
        path = "/" + path
    extra = urlencode(request.parameters or {}, quote_via=quote)
    query = "&".join(part for part in (query, extra) if part)
    target = f"{path}?{query}" if query else path
    return method, target, dict(request.headers or {}), request.body
