"""``djangoes-thrift-gateway``: a thrift ``Rest`` server in front of Elasticsearch.

    djangoes-thrift-gateway --listen 127.0.0.1:9500 --upstream http://127.0.0.1:9200
    djangoes-thrift-gateway --upstream embedded:/var/lib/djangoes   # the in-process engine

Its options, announce line and exit codes are every gateway's (:mod:`djangoes_gateway.cli`);
its own are the transport (``--framed``), TLS (``--certfile``, ``--keyfile``) and
``--forward-credentials``: the upstream checks the clients' credentials instead of ``--users``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any
from urllib.parse import urlsplit

from djangoes_gateway.cli import GatewayCommand, authenticator

from .server import CHECKED_OR_FORWARDED, ThriftGateway
from .tls import server_context

__all__ = ["Command", "main"]


class Command(GatewayCommand):
    """Serve Elasticsearch's REST API over Thrift (the Rest service of Elasticsearch's former
    thrift plugin), executing each call against an upstream."""

    server_class = ThriftGateway

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--framed",
            action="store_true",
            help="Thrift's framed transport instead of buffered (clients: PARAMS "
            "{'framed_transport': True})",
        )
        parser.add_argument("--certfile", help="serve TLS with this certificate (PEM)")
        parser.add_argument("--keyfile", help="the certificate's private key, if not in --certfile")
        parser.add_argument(
            "--forward-credentials",
            action="store_true",
            help="send each request's Authorization header to the upstream (an Elasticsearch "
            "URL), which checks it, instead of checking it here (--users); the gateway counts "
            "as authenticated then. Without this option or --users the header is dropped",
        )

    def server_options(self, arguments: argparse.Namespace) -> dict[str, Any]:
        if arguments.keyfile and not arguments.certfile:
            raise ValueError("--keyfile needs --certfile")
        if arguments.forward_credentials and arguments.users:
            raise ValueError(CHECKED_OR_FORWARDED)
        if arguments.forward_credentials and not arguments.upstream.startswith(
            ("http://", "https://")
        ):
            raise ValueError(
                "--forward-credentials needs an upstream that checks credentials, an "
                f"Elasticsearch URL (http:// or https://); {arguments.upstream!r} checks none: "
                "give --users to check them here"
            )
        if arguments.forward_credentials and urlsplit(arguments.upstream).username is not None:
            raise ValueError(
                "--forward-credentials sends each client's own credentials: the upstream URL "
                "must not give the gateway's (user:password@), which a client without any "
                "would be served with"
            )
        context = (
            server_context(arguments.certfile, arguments.keyfile) if arguments.certfile else None
        )
        return {
            "framed": arguments.framed,
            "ssl_context": context,
            "authenticator": authenticator(arguments),
            "forward_credentials": arguments.forward_credentials,
        }

    def authenticated(self, arguments: argparse.Namespace) -> bool:
        return arguments.users is not None or arguments.forward_credentials


main = Command().main

if __name__ == "__main__":
    sys.exit(main())
