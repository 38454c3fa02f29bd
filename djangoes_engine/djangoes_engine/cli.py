"""``djangoes-embedded``: run the embedded engine as an Elasticsearch-compatible HTTP server.

So that tools which speak only HTTP (curl, other processes, other languages' clients) can use
the engine a Django project embeds. On loopback it may run open, as it always did; beyond it,
it authenticates every request (``--users FILE``, and the API keys its users create) and
refuses to start otherwise unless told (``--allow-unauthenticated``); ``--certfile`` and
``--keyfile`` serve HTTPS.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from typing import TYPE_CHECKING

from djangoes_gateway.authentication import Authenticator, check_exposure
from djangoes_gateway.cli import add_timeout_arguments, at_least_one
from djangoes_gateway.users import UsersFile, UsersFileError
from djangoes_gateway.users_command import add_users_command

from .errors import EngineError
from .server import (
    FD_RESERVE,
    IDLE_TIMEOUT,
    MAX_CONNECTIONS_CEILING,
    MAX_CONTENT_LENGTH,
    READ_TIMEOUT,
    THREADS,
    ServerThread,
    serve,
)
from .tls import TlsFilesError, server_context

if TYPE_CHECKING:
    from .cluster import Cluster  # imported when needed: loading the engine is costly

#: Seconds the engine is given to close (commit what is not yet) once the server has stopped.
CLOSE_TIMEOUT = 10.0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="djangoes-embedded",
        description="The djangoes embedded engine: an Elasticsearch-compatible search engine "
        "on tantivy, in one process.",
        epilog="example: djangoes-embedded serve --port 9200 --data ./search-data\n"
        "Run 'djangoes-embedded serve --help' for all the options of serve.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    server = commands.add_parser(
        "serve",
        help="serve the engine's Elasticsearch REST API over HTTP",
        description="Serve the engine's Elasticsearch REST API over HTTP/1.1 until SIGINT "
        "(Ctrl-C) or SIGTERM, then close the engine. Prints 'djangoes-embedded listening on "
        "http://HOST:PORT' (https with --certfile) once the socket is bound. Exits with status "
        "1 if the data directory is in use by another process, or if HOST is not loopback and "
        "neither --users nor --allow-unauthenticated is given.",
    )
    server.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default: %(default)s). Anything but loopback needs --users "
        "(or --allow-unauthenticated): without authentication anyone who reaches the port can "
        "read and delete every index",
    )
    server.add_argument(
        "--port",
        type=int,
        default=9200,
        help="port to bind; 0 picks a free one, printed on the listening line "
        "(default: %(default)s)",
    )
    server.add_argument(
        "--data",
        metavar="DIR",
        help="directory holding the indices, kept across runs; one process at a time may "
        "use it. Without it the engine keeps everything in memory and forgets it on exit",
    )
    server.add_argument(
        "--threads",
        type=int,
        default=THREADS,
        help="threads running requests concurrently (default: %(default)s)",
    )
    server.add_argument(
        "--max-content-length",
        type=int,
        default=MAX_CONTENT_LENGTH,
        metavar="BYTES",
        help="largest request body accepted, as Elasticsearch's http.max_content_length; "
        "larger ones get a 413 (default: %(default)s)",
    )
    server.add_argument(
        "--max-connections",
        type=at_least_one,
        metavar="N",
        help="connections open at once; at the cap the one idle (or sending its request) the "
        "longest is closed to make room, and a new one is refused (429) only when all are "
        "running requests (default: what the open-files limit, raised to its hard limit at "
        f"start, leaves once a quarter of it, at least {FD_RESERVE}, is kept for the indices' "
        f"files; at most {MAX_CONNECTIONS_CEILING})",
    )
    add_timeout_arguments(server, IDLE_TIMEOUT, READ_TIMEOUT)
    security = server.add_argument_group("security")
    security.add_argument(
        "--users",
        metavar="FILE",
        help="authenticate every request: HTTP basic authentication against the users of FILE "
        "(managed with 'djangoes-embedded users add NAME --file FILE', re-read when it changes), "
        "or an API key those users create (POST /_security/api_key; kept in the data "
        "directory). Without it nobody is authenticated and the _security APIs are refused",
    )
    security.add_argument(
        "--allow-unauthenticated",
        action="store_true",
        help="serve a non-loopback HOST without --users, when something else (a firewall, a "
        "private network) keeps others out",
    )
    security.add_argument(
        "--certfile",
        metavar="FILE",
        help="serve HTTPS (TLS 1.2 at least) with this PEM certificate chain",
    )
    security.add_argument(
        "--keyfile",
        metavar="FILE",
        help="the certificate's PEM private key, if it is not in --certfile",
    )
    server.set_defaults(run=run_serve)
    add_users_command(commands, "djangoes-embedded")
    return parser


def run_serve(args: argparse.Namespace) -> int:
    from .api_keys import ApiKeys  # imported here: loading the engine is costly, --help is not
    from .engine import Engine

    try:
        check_exposure(
            args.host,
            authenticated=args.users is not None,
            allowed=args.allow_unauthenticated,
            program="djangoes-embedded",
        )
        if args.keyfile is not None and args.certfile is None:
            raise ValueError("djangoes-embedded: --keyfile needs --certfile, the certificate")
        ssl_context = None if args.certfile is None else server_context(args.certfile, args.keyfile)
        users = None if args.users is None else UsersFile(args.users)
    except (TlsFilesError, UsersFileError) as exc:
        print(f"djangoes-embedded: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:  # the message names the program already
        print(exc, file=sys.stderr)
        return 1
    if users is not None and not users.names():
        print(
            f"djangoes-embedded: the users file {args.users} has no users yet: nobody can log "
            f"in until one is added ('djangoes-embedded users add NAME --file {args.users}')",
            file=sys.stderr,
            flush=True,
        )
    try:
        engine = Engine(path=args.data)
    except (EngineError, OSError, ValueError) as exc:  # locked by another process, or unusable
        print(f"djangoes-embedded: {exc}", file=sys.stderr)
        return 1
    try:
        authenticator = None
        if users is not None:
            authenticator = Authenticator(users, ApiKeys(args.data))
        serve(
            engine.handle,
            args.host,
            args.port,
            ready=announce,
            threads=args.threads,
            max_content_length=args.max_content_length,
            max_connections=args.max_connections,
            idle_timeout=args.idle_timeout,
            read_timeout=args.read_timeout,
            ssl_context=ssl_context,
            authenticator=authenticator,
        )
    except ValueError as exc:  # the API keys file cannot be read
        print(f"djangoes-embedded: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the address is in use or cannot be bound
        print(
            f"djangoes-embedded: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr
        )
        return 1
    finally:
        close_in_time(engine, CLOSE_TIMEOUT)
    return 0


def close_in_time(engine: Cluster, timeout: float) -> None:
    """Close the engine, or give up after ``timeout`` seconds and end the process anyway.

    A request stuck in the engine (on a failing disk, say) must not keep the server from
    stopping. Giving up loses nothing acknowledged: every acknowledged write is in a translog,
    which the next start replays.
    """
    closer = threading.Thread(target=engine.close, name="djangoes-embedded-close", daemon=True)
    closer.start()
    closer.join(timeout)
    if closer.is_alive():
        print(
            f"djangoes-embedded: the engine did not close within {timeout:g} s; stopping anyway "
            "(the next start replays the translogs)",
            file=sys.stderr,
            flush=True,
        )
        _exit_now(1)


def _exit_now(status: int) -> None:
    """End the process even though threads (a hung request) would keep it from exiting."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def announce(server: ServerThread) -> None:
    print(f"djangoes-embedded listening on {server.url}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """The console script: parse ``argv`` and run the command; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        status = args.run(args)
    except KeyboardInterrupt:  # Ctrl-C before the server took over the signal
        return 130
    stuck = [t for t in threading.enumerate() if not t.daemon and t is not threading.main_thread()]
    if stuck:
        _exit_now(status)  # request threads that never returned: do not wait for them
    return status


if __name__ == "__main__":
    sys.exit(main())
