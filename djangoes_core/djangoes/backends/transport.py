"""elastic-transport's transports, with every request recorded in its connection's log.

The backends use these as ``transport_class`` and ``async_transport_class``, so that requests
are logged (and kept in DEBUG) the same way whatever the node class: http, requests, the
embedded engine, thrift, memcached or a third party's. A request is recorded once, as the client
sent it: the retries elastic-transport makes on other nodes are inside it (elastic-transport
logs each attempt on its own ``elastic_transport.transport`` logger).

When the log records only failures (no DEBUG, the ``djangoes.requests`` logger quieter than
INFO: production), a request that succeeds costs nothing more than a clock read: the log's
bookkeeping is done only for one that fails.
"""

from __future__ import annotations

from time import perf_counter
from typing import Any

import elastic_transport

from .requests_log import RequestsLog, content_type


class Transport(elastic_transport.Transport):
    #: Set by the connection that owns the client; None records nothing.
    requests_log: RequestsLog | None = None

    def perform_request(self, method: str, target: str, **kwargs: Any) -> Any:
        log = self.requests_log
        if log is None:
            return super().perform_request(method, target, **kwargs)
        if not log.records_all():
            started = perf_counter()
            try:
                response = super().perform_request(method, target, **kwargs)
            except BaseException as error:
                _failed(log, method, target, kwargs, self._dumps, started, error=error)
                raise
            if response.meta.status >= 500:
                _failed(log, method, target, kwargs, self._dumps, started, response)
            return response
        try:
            with log.request(
                method, target, kwargs.get("body"), content_type(kwargs), self._dumps
            ) as request:
                response = super().perform_request(method, target, **kwargs)
                request.answered(response.meta.status, response.body, response.meta.mimetype)
        except elastic_transport.TransportError as error:
            name(error, log)
            raise
        return response

    def _dumps(self, body: Any, mimetype: str | None) -> bytes:
        return self.serializers.dumps(body, mimetype=mimetype)


def _failed(
    log: RequestsLog,
    method: str,
    target: str,
    kwargs: Any,
    dumps: Any,
    started: float,
    response: Any = None,
    error: BaseException | None = None,
) -> None:
    """Record a request that raised ``error`` or got a 5xx ``response``, when the log records
    failures only: what a request that succeeds never pays for (the sync and async transports
    share it)."""
    log.record_failure(method, target, kwargs, dumps, started, response, error)
    if isinstance(error, elastic_transport.TransportError):
        name(error, log)


class AsyncTransport(elastic_transport.AsyncTransport):
    requests_log: RequestsLog | None = None

    # elastic-transport's AsyncTransport subclasses the synchronous Transport and overrides its
    # perform_request with a coroutine (ignored there too): this override inherits that.
    async def perform_request(  # type: ignore[override]
        self, method: str, target: str, **kwargs: Any
    ) -> Any:
        log = self.requests_log
        if log is None:
            return await super().perform_request(method, target, **kwargs)
        if not log.records_all():
            started = perf_counter()
            try:
                response = await super().perform_request(method, target, **kwargs)
            except BaseException as error:
                _failed(log, method, target, kwargs, self._dumps, started, error=error)
                raise
            if response.meta.status >= 500:
                _failed(log, method, target, kwargs, self._dumps, started, response)
            return response
        try:
            with log.request(
                method, target, kwargs.get("body"), content_type(kwargs), self._dumps
            ) as request:
                response = await super().perform_request(method, target, **kwargs)
                request.answered(response.meta.status, response.body, response.meta.mimetype)
        except elastic_transport.TransportError as error:
            name(error, log)
            raise
        return response

    def _dumps(self, body: Any, mimetype: str | None) -> bytes:
        return self.serializers.dumps(body, mimetype=mimetype)


def name(error: BaseException, log: RequestsLog) -> None:
    """A transport error (a server down, silent, answering garbage) says which connection it
    happened on, as ``error.connection_alias``, for the management commands to name it. (An
    ``ApiError`` names its node: ``error.meta.node``.)"""
    error.connection_alias = log.alias  # type: ignore[attr-defined]
