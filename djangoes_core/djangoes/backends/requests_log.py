"""What a connection records of its requests: log records always, recent requests in DEBUG.

Every request a connection sends is logged on the ``djangoes.requests`` logger: one record with
the method, the path, the status and the duration, at INFO, or at WARNING when the server failed
(a 5xx) or never answered; and when the logger is enabled for DEBUG, a second record, at DEBUG,
with the request and response bodies. Headers are never logged: credentials travel in them.

With ``settings.DEBUG`` (or while a test captures requests), the requests are also kept, the
last ``QUERIES_LIMIT`` of them, as ``django.db`` keeps ``connection.queries``.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections import deque
from collections.abc import Callable, Mapping
from time import perf_counter
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("djangoes.requests")

#: How many requests a connection keeps, as Django's ``BaseDatabaseWrapper.queries_limit``.
QUERIES_LIMIT = 9000
#: The longest body a DEBUG record shows, in characters.
BODY_LIMIT = 10_000
#: How a client serializes a body: ``dumps(body, mimetype)``, bytes or text.
Dumps = Callable[[Any, "str | None"], "bytes | str"]
_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")


def scrub(text: str) -> str:
    """``text`` without the ``user:password@`` of any URL in it."""
    return _USERINFO.sub("", text)


class RequestsLog:
    """The requests of one connection, shared by its ``options()`` copies (one transport).

    ``queries_log`` holds a dict per request: ``method``, ``path`` (with its query string),
    ``status`` (None without a response), ``duration`` (seconds, a float) and ``error`` (None,
    the server's error type such as ``index_not_found_exception``, or the exception's class).
    """

    queries_limit = QUERIES_LIMIT

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.queries_log: deque[dict[str, Any]] = deque(maxlen=self.queries_limit)
        #: Keep requests even without ``settings.DEBUG`` (``CaptureRequestsContext`` sets it).
        self.force_queries_log = False
        #: How many requests were kept in all, those the bounded log has since dropped included.
        self.kept = 0

    @property
    def queries_logged(self) -> bool:
        return self.force_queries_log or _debug()

    def records_all(self) -> bool:
        """Whether every request is recorded: kept (DEBUG), or logged at INFO. When not, only
        a failure is (a WARNING), and a transport may skip the bookkeeping of the others (see
        :meth:`record_failure`): the common case in production then costs a clock read."""
        # queries_logged spelled out: this runs on every request.
        return self.force_queries_log or logger.isEnabledFor(logging.INFO) or _debug()

    def record_failure(
        self,
        method: str,
        target: str,
        kwargs: Mapping[str, Any],
        dumps: Dumps | None,
        started: float,
        response: Any = None,
        error: BaseException | None = None,
    ) -> None:
        """Record a request sent without :meth:`request` (``records_all()`` was False) that
        failed: it raised ``error``, or ``response`` is the server's 5xx. ``kwargs`` are those
        of the transport's ``perform_request``; ``started`` its ``perf_counter()`` at the start."""
        request = self.request(method, target, kwargs.get("body"), content_type(kwargs), dumps)
        if response is not None:
            request.answered(response.meta.status, response.body, response.meta.mimetype)
        self.record(request, perf_counter() - started, error)

    @property
    def queries(self) -> list[dict[str, Any]]:
        if len(self.queries_log) == self.queries_log.maxlen:
            warnings.warn(
                f"Limit for request logging exceeded, only the last {self.queries_log.maxlen} "
                "requests will be returned.",
                stacklevel=3,
            )
        return list(self.queries_log)

    def between(self, start: int, stop: int | None = None) -> list[dict[str, Any]]:
        """The requests kept from the ``start``-th to the ``stop``-th (counted by ``kept``).

        Counted, not indexed: the bounded log may have dropped its oldest ones meanwhile.
        """
        first = self.kept - len(self.queries_log)
        stop = self.kept if stop is None else stop
        return list(self.queries_log)[max(start - first, 0) : max(stop - first, 0)]

    def request(
        self,
        method: str,
        target: str,
        sent: Any = None,
        content_type: str | None = None,
        dumps: Dumps | None = None,
    ) -> Request:
        """A context manager around one request: it records it on exit.

        ``sent`` is the request body as the client was given it, ``dumps(body, mimetype)`` how
        the client serializes one (for DEBUG records). Inside the block, the transport calls
        :meth:`Request.answered` with what the server answered; an exception leaves it unset.
        Any client library's transport records its requests so (see ``docs/transports.md``).
        """
        return Request(self, method, target, sent, content_type, dumps)

    def record(self, request: Request, duration: float, error: BaseException | None) -> None:
        status = request.status
        level = logging.WARNING if error is not None or (status or 0) >= 500 else logging.INFO
        keep = self.queries_logged
        if not keep and not logger.isEnabledFor(level):
            return  # the common case in production: nothing to record, nothing to build
        failure = _error_type(request) if error is None else type(error).__name__
        entry = {
            "method": request.method,
            "path": request.target,
            "status": status,
            "duration": duration,
            "error": failure,
        }
        if keep:
            self.queries_log.append(entry)
            self.kept += 1
        if not logger.isEnabledFor(level):
            return
        extra = {"alias": self.alias, **entry}
        outcome = str(status) if error is None else "failed"
        if failure:
            outcome = f"{outcome} {failure}{_describe(error)}"
        logger.log(
            level,
            "%s %s %s (%.1f ms; alias=%s)",
            request.method,
            request.target,
            outcome,
            duration * 1000,
            self.alias,
            extra=extra,
        )
        if logger.isEnabledFor(logging.DEBUG):
            self._log_bodies(request, extra)

    def _log_bodies(self, request: Request, extra: dict[str, Any]) -> None:
        sent = _render(request.dumps, request.sent, request.content_type)
        received = None
        if request.status is not None:
            received = _render(request.dumps, request.received, request.mimetype)
        if sent is None and received is None:
            return
        lines = ["%s %s (alias=%s)"]
        args: list[Any] = [request.method, request.target, self.alias]
        for mark, body in ((">", sent), ("<", received)):
            if body is not None:
                lines.append(f"{mark} %s")
                args.append(body)
        extra = {**extra, "request_body": sent, "response_body": received}
        logger.debug("\n".join(lines), *args, extra=extra)


class Request:
    """One client-level request (all its retries), timed, recorded when the block exits."""

    __slots__ = (
        "content_type",
        "dumps",
        "log",
        "method",
        "mimetype",
        "received",
        "sent",
        "started",
        "status",
        "target",
    )

    def __init__(
        self,
        log: RequestsLog,
        method: str,
        target: str,
        sent: Any = None,
        content_type: str | None = None,
        dumps: Dumps | None = None,
    ) -> None:
        self.log = log
        self.method = method
        self.target = target
        self.sent = sent
        self.content_type = content_type
        self.dumps = dumps
        #: What the server answered (:meth:`answered`); None without an answer.
        self.status: int | None = None
        self.received: Any = None
        self.mimetype: str | None = None

    def answered(self, status: int, body: Any, mimetype: str | None = None) -> None:
        """The server's answer: its status, its body (deserialized or raw) and its mimetype."""
        self.status = status
        self.received = body
        self.mimetype = mimetype

    def __enter__(self) -> Request:
        self.started = perf_counter()
        return self

    def __exit__(self, exc_type: Any, error: BaseException | None, traceback: Any) -> None:
        self.log.record(self, perf_counter() - self.started, error)


def _debug() -> bool:
    """``settings.DEBUG``, False when the settings are not configured. It is read on every
    request, so from where ``LazySettings`` caches what it has read (its instance dict, which
    it clears when a setting is set or overridden): without its ``__getattribute__``, which
    costs several times as much."""
    try:
        return bool(object.__getattribute__(settings, "DEBUG"))
    except AttributeError:  # not read since it was last set: read (and cached) the usual way
        pass
    try:
        return bool(settings.DEBUG)
    except ImproperlyConfigured:
        return False


def _error_type(request: Request) -> str | None:
    """The type of the error an Elasticsearch error response describes, if it is one."""
    body = request.received
    if request.status is None or request.status < 400 or not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, dict):
        return error.get("type")
    return error if isinstance(error, str) else None


def _describe(error: BaseException | None) -> str:
    """What went wrong, without credentials (elastic-transport keeps the cause in ``message``)."""
    if error is None:
        return ""
    text = str(getattr(error, "message", None) or error)
    return f": {scrub(text)}" if text else ""


def content_type(kwargs: Mapping) -> str | None:
    """The ``Content-Type`` in ``kwargs['headers']``, if any."""
    headers = kwargs.get("headers")
    if not isinstance(headers, Mapping):
        return None
    for name, value in headers.items():
        if name.lower() == "content-type":
            return value
    return None


def _render(dumps: Dumps | None, body: Any, mimetype: str | None) -> str | None:
    """A body as text for a DEBUG record, serialized as sent and cut at ``BODY_LIMIT``."""
    if body is None:
        return None
    if isinstance(body, bytes | bytearray):
        text = bytes(body).decode("utf-8", "replace")
    elif isinstance(body, str):
        text = body
    else:
        try:
            dumped = dumps(body, mimetype) if dumps is not None else repr(body)
            if isinstance(dumped, bytes | bytearray):
                dumped = bytes(dumped).decode("utf-8", "replace")
            text = str(dumped)
        except Exception:
            text = repr(body)
    if len(text) > BODY_LIMIT:
        text = f"{text[:BODY_LIMIT]}... ({len(text) - BODY_LIMIT} more characters)"
    return text
