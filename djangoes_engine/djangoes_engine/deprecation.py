"""Deprecation warnings, sent as Elasticsearch sends them: ``Warning`` headers on the response.

Elasticsearch still accepts some old spellings and APIs, and says so in a
``Warning: 299 Elasticsearch-<version> "<message>"`` header that clients turn into an
``ElasticsearchWarning``. Code anywhere in a request calls :func:`deprecated`; the REST layer
collects what one request gathered with :class:`collecting`.
"""

from __future__ import annotations

import contextvars

_WARNINGS: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "djangoes_engine_warnings", default=None
)
#: The agent part of the header; elasticsearch-py matches any token there.
AGENT = "Elasticsearch-9.0.0-djangoes"


def deprecated(message: str) -> None:
    """Record a deprecation warning for the current request (once per message)."""
    gathered = _WARNINGS.get()
    if gathered is not None and message not in gathered:
        gathered.append(message)


class collecting:
    """Gather the warnings raised inside: ``with collecting() as warnings`` (a class: every
    request enters one, and a generator's context manager costs four times as much)."""

    __slots__ = ("_token",)

    def __enter__(self) -> list[str]:
        gathered: list[str] = []
        self._token = _WARNINGS.set(gathered)
        return gathered

    def __exit__(self, *exc_info: object) -> None:
        _WARNINGS.reset(self._token)


def warning_header(messages: list[str]) -> str:
    r"""The ``Warning`` header's value: RFC 7234 warn-values, quotes and backslashes escaped."""
    return ", ".join(
        '299 {} "{}"'.format(AGENT, m.replace("\\", "\\\\").replace('"', '\\"')) for m in messages
    )
