"""The asynchronous client (``aconnections``): opensearch-py's ``AsyncOpenSearch``, which it
has only with aiohttp installed (``pip install "djangoes[async]"``), recording its requests and
taking keyword bodies as :class:`.client.Client` does."""

from __future__ import annotations

import functools
from typing import Any

import opensearchpy
from opensearchpy import AsyncOpenSearch

from djangoes.backends.requests_log import RequestsLog

from .client import LIBRARY, _Options, _Recorded, _remember, _remember_error
from .keywords import install_namespaces, keyword_class


class AsyncTransport(opensearchpy.AsyncTransport):
    requests_log: RequestsLog | None = None

    async def perform_request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if self.requests_log is None:
            return await super().perform_request(method, url, *args, **kwargs)
        kwargs.update(zip(("params", "body", "timeout", "ignore", "headers"), args, strict=False))
        recorded = _Recorded(self.requests_log, self, method, url, kwargs)
        answer: opensearchpy.TransportError | None = None
        with recorded.request:
            try:
                result = await super().perform_request(method, url, **kwargs)
            except opensearchpy.TransportError as error:
                if not recorded.failed(error):
                    raise
                answer = error
            else:
                recorded.answered()
        if answer is not None:
            raise answer
        return result


class _RecordingAsync:
    """The same, before an opensearch-py AsyncConnection."""

    async def perform_request(self, *args: Any, **kwargs: Any) -> Any:
        try:
            status, headers, data = await super().perform_request(  # type: ignore[misc]
                *args, **kwargs
            )
        except opensearchpy.TransportError as error:
            _remember_error(error)
            raise
        _remember(status, headers, data)
        return status, headers, data


@functools.cache
def recording(connection_class: type) -> type:
    """``connection_class`` (an opensearch-py AsyncConnection) telling each answer's status."""
    if issubclass(connection_class, _RecordingAsync):
        return connection_class
    return type(
        connection_class.__name__, (_RecordingAsync, connection_class), {"__module__": __name__}
    )


def connection_class(signed: bool) -> type:
    """aiohttp's connection; the one that signs requests with a callable ``http_auth``."""
    return opensearchpy.AsyncHttpConnection if signed else opensearchpy.AIOHttpConnection


_Async = keyword_class(AsyncOpenSearch)


class AsyncClient(_Options, _Async):  # type: ignore[misc, valid-type]
    """``opensearchpy.AsyncOpenSearch`` for a djangoes connection (``aconnections``)."""

    djangoes_library = LIBRARY

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        install_namespaces(self)
