"""``djangoes-thrift-gateway``: a thrift ``Rest`` server in front of Elasticsearch.

    djangoes-thrift-gateway --listen 127.0.0.1:9500 --upstream http://127.0.0.1:9200
    djangoes-thrift-gateway --upstream embedded:/var/lib/djangoes   # the in-process engine

Its options, announce line and exit codes are every gateway's (:mod:`djangoes_gateway.cli`);
its own are the transport (``--framed``) and TLS (``--certfile``, ``--keyfile``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from djangoes_gateway.cli import GatewayCommand

from .server import ThriftGateway
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

    def server_options(self, arguments: argparse.Namespace) -> dict[str, Any]:
        if arguments.keyfile and not arguments.certfile:
            raise ValueError("--keyfile needs --certfile")
        context = (
            server_context(arguments.certfile, arguments.keyfile) if arguments.certfile else None
        )
        return {"framed": arguments.framed, "ssl_context": context}


main = Command().main

if __name__ == "__main__":
    sys.exit(main())
