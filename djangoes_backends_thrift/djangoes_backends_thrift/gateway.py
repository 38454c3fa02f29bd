"""``djangoes-thrift-gateway``: a thrift ``Rest`` server in front of Elasticsearch.

    djangoes-thrift-gateway --listen 127.0.0.1:9500 --upstream http://127.0.0.1:9200
    djangoes-thrift-gateway --upstream embedded:/var/lib/djangoes   # the in-process engine

It listens on 127.0.0.1 unless told otherwise: the gateway has no authentication of its own.
SIGTERM or SIGINT stops it: it stops accepting, closes its connections and exits with 0.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from djangoes.gateway import listen_address, serve_until_signalled, upstream
from djangoes.serving import add_arguments, server_options

from .handler import logger
from .server import ThriftGateway
from .tls import server_context

__all__ = ["DEFAULT_PORT", "main", "parser"]

#: The port of Elasticsearch's thrift plugin.
DEFAULT_PORT = 9500


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="djangoes-thrift-gateway",
        description="Serve Elasticsearch's REST API over Thrift (the Rest service of "
        "Elasticsearch's former thrift plugin), executing each call against an upstream.",
    )
    parser.add_argument(
        "--listen",
        default=f"127.0.0.1:{DEFAULT_PORT}",
        metavar="HOST:PORT",
        help=f"where to listen (default: 127.0.0.1:{DEFAULT_PORT}; port 0 picks a free one)",
    )
    parser.add_argument(
        "--upstream",
        default="http://127.0.0.1:9200",
        help="an Elasticsearch URL, 'embedded' (the in-process engine, in memory) or "
        "'embedded:DIR' (default: http://127.0.0.1:9200)",
    )
    parser.add_argument(
        "--framed",
        action="store_true",
        help="Thrift's framed transport instead of buffered (clients: PARAMS "
        "{'framed_transport': True})",
    )
    parser.add_argument("--certfile", help="serve TLS with this certificate (PEM)")
    parser.add_argument("--keyfile", help="the certificate's private key, if not in --certfile")
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="DEBUG logs every request (method, path, status, time; never bodies)",
    )
    add_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the gateway until SIGTERM or SIGINT."""
    arguments = parser().parse_args(argv)
    try:
        host, port = listen_address(arguments.listen, DEFAULT_PORT)
        if arguments.keyfile and not arguments.certfile:
            raise ValueError("--keyfile needs --certfile")
        context = (
            server_context(arguments.certfile, arguments.keyfile) if arguments.certfile else None
        )
        options = server_options(arguments)
        # As many upstream connections as requests may run at once: none opened to be dropped.
        target = upstream(arguments.upstream, maxsize=options["max_connections"])
    except (ValueError, ImportError, OSError) as error:
        print(f"djangoes-thrift-gateway: error: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=arguments.log_level, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    gateway = ThriftGateway(
        target,
        host,
        port,
        framed=arguments.framed,
        ssl_context=context,
        **options,
    )
    try:
        gateway.listen()
    except OSError as error:
        print(f"djangoes-thrift-gateway: cannot listen on {host}:{port}: {error}", file=sys.stderr)
        target.close()
        return 1
    serve_until_signalled(
        gateway,
        target,
        lambda: logger.info(
            "listening on %s:%d (%s%s transport), upstream %r",
            gateway.host,
            gateway.port,
            "TLS, " if context else "",
            "framed" if arguments.framed else "buffered",
            target,
        ),
    )
    logger.info("stopped: %s", gateway.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
