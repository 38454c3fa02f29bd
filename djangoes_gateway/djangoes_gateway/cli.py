"""The command line of every gateway: the same options, announce line and exit codes.

::

    PROG [--listen HOST:PORT] [--upstream URL|NAME|NAME:ARGUMENT]
         [--log-level DEBUG|INFO|WARNING|ERROR]
         [--max-connections N] [--idle-timeout SECONDS] [--read-timeout SECONDS]
         [--users FILE] [--allow-unauthenticated]
         [the gateway's own options]

Once listening, a gateway prints ``PROG listening on HOST:PORT`` on its standard output (the
port the system chose, for port 0) and logs on its standard error. It serves until SIGTERM or
SIGINT, then stops (running requests are given :data:`~.serving.STOP_TIMEOUT` to finish), logs
what it served and exits with 0. It exits with 1 if it cannot listen, and with 2 for bad
arguments or an upstream it cannot use, before listening. It refuses to listen beyond loopback
without ``--users`` unless given ``--allow-unauthenticated`` (exit code 1, saying why).

A gateway's command is a :class:`GatewayCommand` that names its server class and adds its own
options, as a Django management command adds its arguments.
"""

from __future__ import annotations

import argparse
import inspect
import logging
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .authentication import Authenticator, check_exposure
from .serving import IDLE_TIMEOUT, MAX_CONNECTIONS, READ_TIMEOUT, GatewayServer
from .upstreams import installed, upstream
from .users import UsersFile

__all__ = [
    "BAD_ARGUMENTS",
    "CANNOT_LISTEN",
    "STOPPED",
    "GatewayCommand",
    "add_security_arguments",
    "add_timeout_arguments",
    "at_least_one",
    "authenticator",
    "listen_address",
    "seconds",
]

#: Exit codes.
STOPPED, CANNOT_LISTEN, BAD_ARGUMENTS = 0, 1, 2
LOG_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"


def listen_address(value: str, default_port: int) -> tuple[str, int]:
    """``--listen HOST:PORT`` (or ``PORT``, or ``HOST``) as a (host, port) pair.

    The host defaults to 127.0.0.1: beyond loopback, a gateway wants ``--users``.
    """
    host, sep, port = value.rpartition(":")
    if not sep:
        host, port = (value, "") if not value.isdigit() else ("", value)
    host = host.strip("[]") or "127.0.0.1"
    try:
        number = int(port) if port else default_port
    except ValueError:
        raise ValueError(f"invalid port in --listen {value!r}") from None
    if not 0 <= number <= 65535:
        raise ValueError(f"invalid port in --listen {value!r}")
    return host, number


def at_least_one(value: str) -> int:
    """An argparse type: an integer, 1 or more."""
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def seconds(value: str) -> float | None:
    """An argparse type: a timeout in seconds, 0 for none (None)."""
    number = float(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (never) or more, not {value}")
    return number or None


def add_timeout_arguments(
    group: argparse._ActionsContainer, idle_timeout: float | None, read_timeout: float | None
) -> None:
    """``--idle-timeout`` and ``--read-timeout``, as every server here (the gateways, the
    engine's) takes them, with these defaults."""
    group.add_argument(
        "--idle-timeout",
        type=seconds,
        default=idle_timeout,
        metavar="SECONDS",
        help="close a keep-alive connection idle this long between requests; 0: never "
        "(default: %(default)g)",
    )
    group.add_argument(
        "--read-timeout",
        type=seconds,
        default=read_timeout,
        metavar="SECONDS",
        help="close a connection whose request has not arrived whole this long after its "
        "first byte (after the connection opened, for its first request), such as a client "
        "that trickles bytes; 0: never (default: %(default)g)",
    )


def add_security_arguments(parser: argparse.ArgumentParser) -> None:
    """``--users FILE`` and ``--allow-unauthenticated``, named as on every server here."""
    group = parser.add_argument_group("security")
    group.add_argument(
        "--users",
        metavar="FILE",
        help="let in only the users of this file (name:scrypt-hash lines; add them with "
        "'djangoes-embedded users add --file FILE NAME'); read again when it changes",
    )
    group.add_argument(
        "--allow-unauthenticated",
        action="store_true",
        help="listen beyond loopback without --users (refused otherwise): only where something "
        "else (a firewall, a private network) keeps others out",
    )


def authenticator(arguments: argparse.Namespace) -> Authenticator | None:
    """The authenticator of ``--users`` (None without it); UsersFileError for a bad file."""
    return Authenticator(UsersFile(arguments.users)) if arguments.users else None


class GatewayCommand:
    """A gateway's command line. A subclass names the gateway's :attr:`server_class` (whose
    ``name`` is the command's, and ``default_port`` the port it listens on unless told), says
    what it does in its docstring (``--help`` shows it) and adds the gateway's own options."""

    server_class: type[GatewayServer]

    @property
    def prog(self) -> str:
        return self.server_class.name

    @property
    def default_port(self) -> int:
        return self.server_class.default_port

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the gateway's own options."""

    def server_options(self, arguments: argparse.Namespace) -> dict[str, Any]:
        """The server class's keyword arguments from the gateway's own options; ``ValueError``
        (or ``OSError``, a file that cannot be read) for values that cannot be served."""
        return {}

    def authenticated(self, arguments: argparse.Namespace) -> bool:
        """Whether every request is authenticated, by the gateway (``--users``) or, for a
        gateway that can forward credentials, by its upstream: only then may it listen beyond
        loopback without ``--allow-unauthenticated``."""
        return arguments.users is not None

    def create_parser(self) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog=self.prog, description=inspect.getdoc(self))
        default_listen = f"127.0.0.1:{self.default_port}"
        parser.add_argument(
            "--listen",
            default=default_listen,
            metavar="HOST:PORT",
            help=f"where to listen; port 0 picks a free one (default: {default_listen}; "
            "beyond loopback, --users or --allow-unauthenticated is required)",
        )
        others = ", ".join(f"'{name}', '{name}:ARGUMENT'" for name in installed())
        parser.add_argument(
            "--upstream",
            default="http://127.0.0.1:9200",
            metavar="URL|NAME[:ARGUMENT]",
            help="where requests go: an Elasticsearch URL, or an upstream installed here "
            f"({others or 'none is installed'}) (default: %(default)s)",
        )
        parser.add_argument(
            "--log-level",
            default="INFO",
            choices=["DEBUG", "INFO", "WARNING", "ERROR"],
            help="DEBUG logs each request: method, path, status, time; never bodies, query "
            "strings or headers (default: %(default)s)",
        )
        connections = parser.add_argument_group("connections")
        connections.add_argument(
            "--max-connections",
            type=at_least_one,
            default=MAX_CONNECTIONS,
            metavar="N",
            help="connections served at once, a thread each; at the cap the one idle (or "
            "sending its request) the longest is closed to make room, and a new connection is "
            "refused only when all are running requests (default: %(default)s)",
        )
        add_timeout_arguments(connections, IDLE_TIMEOUT, READ_TIMEOUT)
        add_security_arguments(parser)
        self.add_arguments(parser)
        return parser

    def main(self, argv: Sequence[str] | None = None) -> int:
        """Run the gateway until SIGTERM or SIGINT; the exit code."""
        try:
            arguments = self.create_parser().parse_args(argv)
        except SystemExit as exit:  # --help (0), or argparse's own message on a bad option (2)
            return exit.code if isinstance(exit.code, int) else BAD_ARGUMENTS
        logging.basicConfig(level=arguments.log_level, format=LOG_FORMAT)
        with _signals_caught() as stopping:
            try:
                host, port = listen_address(arguments.listen, self.default_port)
                options = {
                    "max_connections": arguments.max_connections,
                    "idle_timeout": arguments.idle_timeout,
                    "read_timeout": arguments.read_timeout,
                    **self.server_options(arguments),
                }
                if arguments.users and options.get("authenticator") is None:
                    raise ValueError(f"--users: {self.prog} cannot check users yet")
            except (ValueError, OSError) as error:
                return self.error(error)
            try:
                check_exposure(
                    host,
                    authenticated=self.authenticated(arguments),
                    allowed=arguments.allow_unauthenticated,
                    program=self.prog,
                )
            except ValueError as refusal:
                print(refusal, file=sys.stderr)
                return CANNOT_LISTEN
            try:
                # As many upstream connections as requests may run at once: none opened to be
                # dropped.
                target = upstream(arguments.upstream, maxsize=arguments.max_connections)
            except Exception as error:  # unknown, or unusable (a data directory in use...)
                return self.error(error)
            try:
                return self.serve(self.server_class(target, host, port, **options), stopping)
            finally:
                target.close()

    def serve(self, server: GatewayServer, stopping: threading.Event) -> int:
        """Listen, announce, serve until ``stopping`` is set, stop."""
        try:
            server.listen()
        except OSError as error:
            host, port = server.address
            print(f"{self.prog}: cannot listen on {host}:{port}: {error}", file=sys.stderr)
            return CANNOT_LISTEN
        server.start()
        try:
            host = f"[{server.host}]" if ":" in server.host else server.host
            print(f"{self.prog} listening on {host}:{server.port}", flush=True)
            server.logger.info("serving %r", server)
            while not stopping.wait(0.5):
                pass
        finally:
            server.stop()
        server.logger.info("stopped: %s", server.summary())
        return STOPPED

    def error(self, error: object) -> int:
        print(f"{self.prog}: error: {error}", file=sys.stderr)
        return BAD_ARGUMENTS


@contextmanager
def _signals_caught() -> Iterator[threading.Event]:
    """An event that SIGTERM or SIGINT sets, from the start: a signal sent while the gateway
    opens its upstream, or as soon as it says it listens, is never lost."""
    stopping = threading.Event()
    previous = {
        signum: signal.signal(signum, lambda *_: stopping.set())
        for signum in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        yield stopping
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
