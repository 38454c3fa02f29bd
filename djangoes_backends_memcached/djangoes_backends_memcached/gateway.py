"""``djangoes-memcached-gateway``: memcached in front of Elasticsearch or the embedded engine.

So that ``ENGINE: 'memcached'`` has a server to talk to, as the Elasticsearch memcached
plugin was for djangoes 0.3. Runs until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from djangoes.gateway import listen_address, serve_until_signalled, upstream
from djangoes.serving import add_arguments, server_options

from .server import DEFAULT_PORT, MAX_VALUE_SIZE, GatewayServer

logger = logging.getLogger("djangoes.memcached")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="djangoes-memcached-gateway",
        description="Serve the memcached protocol (text and binary) and carry out each "
        "command as a request to an Elasticsearch REST API, as djangoes' ENGINE 'memcached' "
        "expects. Prints 'djangoes-memcached-gateway listening on HOST:PORT' once bound.",
    )
    parser.add_argument(
        "--listen",
        default=f"127.0.0.1:{DEFAULT_PORT}",
        metavar="HOST:PORT",
        help="address to bind; port 0 picks a free one (default: %(default)s; the gateway "
        "has no authentication, so think twice before binding anything but loopback)",
    )
    parser.add_argument(
        "--upstream",
        default="http://127.0.0.1:9200",
        help="where requests go: an Elasticsearch URL, 'embedded' (an in-memory engine in "
        "this process) or 'embedded:DIR' (default: %(default)s)",
    )
    parser.add_argument(
        "--max-value-size",
        type=int,
        default=MAX_VALUE_SIZE,
        metavar="BYTES",
        help="largest value (request body) accepted; larger ones are refused with "
        "'SERVER_ERROR object too large for cache' (default: %(default)s)",
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="logging level of 'djangoes.memcached' (default: %(default)s)",
    )
    add_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logger.setLevel(args.log_level)
    try:
        host, port = listen_address(args.listen, DEFAULT_PORT)
        options = server_options(args)
        # As many upstream connections as requests may run at once: none opened to be dropped.
        target = upstream(args.upstream, maxsize=options["max_connections"])
    except (ValueError, ImportError) as error:
        print(f"djangoes-memcached-gateway: {error}", file=sys.stderr)
        return 2
    try:
        server = GatewayServer(target, host, port, max_value_size=args.max_value_size, **options)
    except OSError as error:
        print(
            f"djangoes-memcached-gateway: cannot listen on {args.listen}: {error}", file=sys.stderr
        )
        target.close()
        return 1

    def announce() -> None:
        print(f"djangoes-memcached-gateway listening on {server.host}:{server.port}", flush=True)
        logger.info("serving %r", server)

    serve_until_signalled(server, target, announce)
    logger.info("stopped: %s", server.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
