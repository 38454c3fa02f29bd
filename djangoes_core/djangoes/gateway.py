"""Transitional: ``error_reply`` for the memcached node, until it no longer imports it from here.

The gateways' toolkit is djangoes-gateway (``djangoes_gateway``), which the core does not
import. This module goes once ``djangoes_backends_memcached/node.py`` takes ``error_reply``
from ``djangoes_gateway`` (or does without it).
"""

from __future__ import annotations

import json
from typing import NamedTuple


class ErrorReply(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes


def error_reply(status: int, type: str, reason: str) -> ErrorReply:
    """An error in Elasticsearch's shape."""
    error = {"root_cause": [{"type": type, "reason": reason}], "type": type, "reason": reason}
    headers = {"content-type": "application/json", "x-elastic-product": "Elasticsearch"}
    return ErrorReply(status, headers, json.dumps({"error": error, "status": status}).encode())
