"""``djangoes-memcached-gateway``: memcached in front of Elasticsearch or the embedded engine.

    djangoes-memcached-gateway --listen 127.0.0.1:11311 --upstream http://127.0.0.1:9200

So that ``ENGINE: 'memcached'`` has a server to talk to, as the Elasticsearch memcached plugin
was for djangoes 0.3. Its options, announce line and exit codes are every gateway's
(:mod:`djangoes_gateway.cli`); its own is the largest value it takes (``--max-value-size``).
With ``--users FILE``, clients authenticate with SASL PLAIN on the binary protocol (pylibmc's
``username``/``password``) and the text protocol is refused.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from djangoes_gateway.cli import GatewayCommand, at_least_one, authenticator

from .server import MAX_VALUE_SIZE, MemcachedGateway

__all__ = ["Command", "main"]


class Command(GatewayCommand):
    """Serve the memcached protocol (text and binary) and carry out each command as a request
    to an Elasticsearch REST API, as djangoes' ENGINE 'memcached' expects."""

    server_class = MemcachedGateway

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--max-value-size",
            type=at_least_one,
            default=MAX_VALUE_SIZE,
            metavar="BYTES",
            help="largest value (request body) accepted; larger ones are refused with "
            "'SERVER_ERROR object too large for cache' (default: %(default)s)",
        )

    def server_options(self, arguments: argparse.Namespace) -> dict[str, Any]:
        return {
            "max_value_size": arguments.max_value_size,
            "authenticator": authenticator(arguments),
        }


main = Command().main

if __name__ == "__main__":
    sys.exit(main())
