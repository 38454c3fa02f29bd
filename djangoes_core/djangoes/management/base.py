"""What djangoes' commands share: choosing connections and indices, naming a connection
without its credentials, and failing in one line.

Whatever state a server is in (down, slow, silent, answering 500 to everything), a command
ends with one line on stderr that names the connection and what failed, and exit status 1,
never a traceback (``--traceback`` shows it); a question it cannot ask, without a terminal to
answer it, names ``--noinput``. A command on an in-memory embedded engine, which dies with
the command's process, says so first (:func:`warn_ephemeral`).
"""

from __future__ import annotations

import logging
import re
from argparse import ArgumentParser
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import elastic_transport
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from elastic_transport import ApiError, TransportError

from ..backends.params import hide_secrets
from ..backends.requests_log import scrub
from ..checks.deploy import EPHEMERAL, ephemeral_hint, ephemeral_message

if TYPE_CHECKING:
    from ..backends.abstracts import Base

#: Loggers whose records say again, one per request, what a command's error says once.
REQUEST_LOGGERS = ("djangoes.requests", "elastic_transport")
#: How much of an error body a message quotes.
BODY_LIMIT = 200
#: What each kind of transport error means, most specific first.
KINDS = (
    (elastic_transport.ConnectionTimeout, "no answer in time"),
    (elastic_transport.TlsError, "TLS failed"),
    (elastic_transport.ConnectionError, "could not connect"),
    (elastic_transport.SerializationError, "unreadable answer"),
)


class ConnectionsCommand(BaseCommand):
    """A command on connections and their indices: index names may come before or after the
    options (``es_indices list --using default blog``)."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.parse_args = parser.parse_intermixed_args  # type: ignore[method-assign]
        return parser

    def execute(self, *args: Any, **options: Any) -> Any:
        """Run the command; a server's failure is a CommandError that names the connection."""
        with unprinted(REQUEST_LOGGERS):
            try:
                return super().execute(*args, **options)
            except (ApiError, TransportError) as error:
                raise CommandError(failure(error)) from error
            except ImproperlyConfigured as error:
                raise CommandError(one_line(str(error))) from error


def add_selection(parser: ArgumentParser) -> None:
    parser.add_argument(
        "indices",
        nargs="*",
        metavar="index",
        help="ES_INDICES keys to act on (default: every index of the chosen connections).",
    )
    parser.add_argument(
        "--using",
        action="append",
        metavar="ALIAS",
        help="A connection (ES_SERVERS key), repeatable or comma-separated (default: all).",
    )


def add_noinput(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--noinput",
        "--no-input",
        action="store_false",
        dest="interactive",
        help="Do not prompt the user for input of any kind.",
    )


def selection(handler: Any, options: dict[str, Any]) -> list[tuple[Any, list[str]]]:
    """[(connection, [index keys])] for ``--using`` and the index arguments."""
    aliases = [a for value in options.get("using") or [] for a in value.split(",") if a]
    aliases = aliases or list(handler)
    for alias in aliases:
        if alias not in handler.settings:
            raise CommandError(
                f"Unknown connection {alias!r} (ES_SERVERS defines: {', '.join(handler)})."
            )
    chosen = [handler[alias] for alias in aliases]
    wanted = options.get("indices") or []
    served = {key for connection in chosen for key in connection.server_indices}
    unknown = [key for key in wanted if key not in served]
    if unknown:
        raise CommandError(
            f"Unknown index {', '.join(map(repr, unknown))}: the connections "
            f"{', '.join(aliases)} serve {', '.join(sorted(served)) or 'no index'}."
        )
    return [
        (connection, [key for key in connection.server_indices if not wanted or key in wanted])
        for connection in chosen
    ]


def warn_ephemeral(command: BaseCommand, connections: list[Base], verbosity: int) -> None:
    """Warn on stderr about each connection whose server dies with this process (its backend
    is ``ephemeral``): what the command creates or checks there is gone when it exits, and
    another process never sees it. Not at ``--verbosity 0``, nor when ``SILENCED_SYSTEM_CHECKS``
    has ``djangoes.W012`` (``check --deploy``'s warning of it)."""
    if verbosity < 1 or EPHEMERAL in getattr(settings, "SILENCED_SYSTEM_CHECKS", ()):
        return
    for connection in connections:
        if connection.ephemeral:
            command.stderr.write(
                f"Warning ({EPHEMERAL}): {ephemeral_message(connection.alias)}\n"
                f"  {ephemeral_hint(connection.alias)}",
                command.style.WARNING,
            )


def describe(connection: Base) -> str:
    """``'default' (http: https://es.example.com:443)``: where it goes, without credentials."""
    return f"{connection.alias!r} ({connection.server.get('ENGINE')}: {connection.location()})"


@contextmanager
def unprinted(names: tuple[str, ...]) -> Iterator[None]:
    """Keep the records of these loggers from logging's last resort, which prints them on
    stderr when the project's ``LOGGING`` has no handler for them: a failed command says once
    what its failed requests would say each. A handler of the project's still gets them."""
    handler = logging.NullHandler()
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def failure(error: Exception, connection: Base | None = None) -> str:
    """``'default' (http: http://es:9200): no answer in time: ...``: a server's failure in one
    line, naming the connection without its credentials."""
    connection = connection or _connection_of(error)
    if connection is None:
        return reason(error)
    return f"{describe(connection)}: {reason(error, connection)}"


def reason(error: Exception, connection: Base | None = None) -> str:
    """What failed: the server's answer, or why there was none, in one line, without secrets."""
    params = (getattr(connection, "server", None) or {}).get("PARAMS") or {}
    if isinstance(error, ApiError):
        text = f"the server answered {error.meta.status}"
        detail = _detail(error.body)
        text += f" ({detail})" if detail else ""
    else:
        kind = next((text for cls, text in KINDS if isinstance(error, cls)), type(error).__name__)
        timeout = params.get("request_timeout")
        if isinstance(error, elastic_transport.ConnectionTimeout) and timeout is not None:
            kind = f"no answer within {timeout} s (PARAMS['request_timeout'])"
        cause = _innermost(error)
        text = f"{kind}: {cause}" if str(cause) else kind
    return shown(text, connection)


def shown(text: str, connection: Base | None = None) -> str:
    """``text`` on one line, without credentials: no userinfo in URLs, no ``PARAMS`` secret."""
    params = (getattr(connection, "server", None) or {}).get("PARAMS") or {}
    return one_line(hide_secrets(scrub(text), params))


def one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text.strip())


def _detail(body: Any) -> str:
    """The error an answer's body states: Elasticsearch's ``type: reason``, or its text."""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return ": ".join(str(error[k]) for k in ("type", "reason") if error.get(k))
        return str(error or "")[:BODY_LIMIT]
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    text = one_line(str(body or ""))
    return text[:BODY_LIMIT] + ("..." if len(text) > BODY_LIMIT else "")


def _innermost(error: BaseException) -> BaseException:
    """The error at the bottom of elastic-transport's wrapping: the socket's, urllib3's..."""
    seen = {id(error)}
    while True:
        inner = (getattr(error, "errors", None) or (None,))[-1] or error.__cause__
        if inner is None or id(inner) in seen:
            return error
        seen.add(id(inner))
        error = inner


def _connection_of(error: Exception) -> Any:
    """The connection ``error`` happened on: the transport named it, or the node that answered
    is one of its client's."""
    from djangoes import connections

    alias = getattr(error, "connection_alias", None)
    node = getattr(getattr(error, "meta", None), "node", None)
    for connection in connections.all(initialized_only=True):
        if alias is not None and connection.alias == alias:
            return connection
        client = getattr(connection, "client", None)
        pool = getattr(getattr(client, "transport", None), "node_pool", None)
        if node is not None and pool is not None and any(n.config is node for n in pool.all()):
            return connection
    return None


def confirm(question: str, action: str) -> bool:
    """Ask ``question``; whether the answer is ``yes``. Without a terminal to answer on (standard
    input closed, or at its end), a CommandError says to ``action`` with ``--noinput``."""
    try:
        answer = input(question)
    except (EOFError, OSError, RuntimeError) as error:  # at its end, unreadable, closed
        raise CommandError(
            f"Cannot ask whether to {action}: no terminal to answer on (standard input is "
            f"closed or at its end). Run the command with --noinput to {action} without being "
            "asked."
        ) from error
    return answer.strip() == "yes"
