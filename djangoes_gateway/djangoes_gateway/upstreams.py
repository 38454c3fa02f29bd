"""Where a gateway sends the requests it receives: its upstream.

A gateway turns a request of another protocol into a request of Elasticsearch's REST API and
has its upstream run it. Elasticsearch over HTTP is built in (:class:`HttpUpstream`, for an
``http://`` or ``https://`` URL). Any other upstream is found by name among the
:data:`ENTRY_POINTS` group of the installed distributions: ``--upstream NAME`` or
``--upstream NAME:ARGUMENT`` calls what ``NAME`` is registered as with the argument (or None),
and uses what that returns. The search engine of djangoes-engine registers itself there; this
package names no upstream but HTTP, so it depends on none.
"""

from __future__ import annotations

import base64
import re
from importlib.metadata import entry_points
from typing import Any, Protocol
from urllib.parse import unquote

from .replies import Reply, error_reply, forwarded, upstream_failed
from .serving import MAX_CONNECTIONS

__all__ = ["ENTRY_POINTS", "HttpUpstream", "Upstream", "hide_credentials", "installed", "upstream"]

#: The entry-point group of upstreams: ``NAME = "module:callable"``, the callable taking the
#: argument after ``NAME:`` (a string, or None) and returning an :class:`Upstream`.
ENTRY_POINTS = "djangoes.upstreams"


class Upstream(Protocol):
    """Where a gateway sends the requests it receives. Safe to call from many threads.

    A body comes without content coding (the gateway undid it); headers are the request's
    end-to-end ones, lower-cased.
    """

    def execute(
        self, method: str, target: str, headers: dict[str, str] | None, body: bytes | None
    ) -> Reply:
        """Run one request (``target`` is the path with its query string)."""

    def close(self) -> None: ...


class HttpUpstream:
    """An Elasticsearch server (or anything that speaks its REST API) over HTTP.

    Its pool keeps up to ``maxsize`` connections open for reuse and never opens more: size it
    to the gateway's concurrency (its ``max_connections``), or every request beyond the pool
    opens a connection only to drop it. A request that finds all of them in use waits for one
    at most ``timeout`` seconds (then a 503), as long as the upstream has to answer. A server
    that cannot be reached, or fails mid-answer, is :func:`~.replies.upstream_failed`.

    ``user:password@`` in the URL (percent-encoded) is the gateway's own identity: sent, with
    HTTP basic authentication, on every request that carries no ``Authorization`` header of its
    own (a gateway that checks its clients itself, ``--users``, sends none of theirs). It is
    never shown: not in the repr, not in an error.
    """

    def __init__(self, url: str, *, maxsize: int = MAX_CONNECTIONS, timeout: float = 60.0) -> None:
        import urllib3  # here: a gateway in front of another upstream does without it

        self.url = url.rstrip("/")
        self.timeout = timeout
        parsed = urllib3.util.parse_url(self.url)
        self.prefix = (parsed.path or "").rstrip("/")
        self._authorization = None
        if parsed.auth:
            user, _, password = parsed.auth.partition(":")
            pair = f"{unquote(user)}:{unquote(password)}".encode()
            self._authorization = "Basic " + base64.b64encode(pair).decode()
        self.pool = urllib3.connection_from_url(
            self.url, maxsize=maxsize, block=True, timeout=urllib3.Timeout(timeout)
        )

    def __repr__(self) -> str:
        return f"<HttpUpstream {self.pool.scheme}://{self.pool.host}:{self.pool.port}>"

    def execute(
        self, method: str, target: str, headers: dict[str, str] | None, body: bytes | None
    ) -> Reply:
        import urllib3

        sent = forwarded(headers)
        if self._authorization is not None and "authorization" not in sent:
            sent["authorization"] = self._authorization
        try:
            response = self.pool.urlopen(
                method,
                self.prefix + target,
                body=body or None,
                headers=sent,
                retries=False,
                redirect=False,
                preload_content=True,
                # urllib3 annotates pool_timeout as int but passes it to Queue.get(timeout=...),
                # which takes seconds as a float (_get_conn's own parameter is float | None).
                pool_timeout=self.timeout,  # type: ignore[arg-type]
            )
        except urllib3.exceptions.EmptyPoolError:
            return error_reply(
                503,
                "es_rejected_execution_exception",
                f"upstream {self!r}: no connection free within {self.timeout:g}s",
            )
        except urllib3.exceptions.HTTPError as error:
            return upstream_failed(self, str(error))
        except ValueError as error:  # http.client refuses a header it cannot send
            return error_reply(400, "illegal_argument_exception", f"invalid request: {error}")
        return Reply(response.status, forwarded(dict(response.headers)), response.data or b"")

    @property
    def authenticates(self) -> bool:
        """Whether the URL gives the gateway's own credentials."""
        return self._authorization is not None

    def close(self) -> None:
        self.pool.close()


def hide_credentials(url: str) -> str:
    """``url`` without the password of its ``user:password@``, for messages."""
    return re.sub(r"(//[^/@:]*):[^/@]*@", r"\1:***@", url)


def installed() -> list[str]:
    """The names of the upstreams installed distributions register, besides HTTP."""
    return sorted({point.name for point in entry_points(group=ENTRY_POINTS)})


def upstream(spec: str, **options: Any) -> Upstream:
    """The upstream ``spec`` names: an ``http(s)://`` URL (``options`` are
    :class:`HttpUpstream`'s), or ``NAME`` or ``NAME:ARGUMENT`` of an installed upstream.

    ``ValueError`` if there is no such upstream; whatever the upstream raises if it cannot be
    made (a data directory another process holds, say).
    """
    if spec.startswith(("http://", "https://")):
        return HttpUpstream(spec, **options)
    name, _, argument = spec.partition(":")
    points = entry_points(group=ENTRY_POINTS, name=name)
    if not points:
        names = ", ".join(repr(name) for name in installed()) or "none is installed"
        raise ValueError(
            f"unknown upstream {hide_credentials(spec)!r}: give an Elasticsearch URL "
            f"(http://127.0.0.1:9200) or the name of an installed upstream ({names})"
        )
    return next(iter(points)).load()(argument or None)
