"""``PARAMS``: client options, with djangoes 0.3's names translated to elasticsearch-py 9's.

djangoes 0.3 documented the options of elasticsearch-py 1.x (``timeout``, ``dead_timeout``,
``timeout_cutoff``...). They still work: each is translated to today's option, with a
DeprecationWarning that names both.
"""

from __future__ import annotations

import warnings
from typing import Any

#: 0.3 option -> today's option, for the ones that only changed names.
RENAMED = {
    "timeout": "request_timeout",
    "maxsize": "connections_per_node",
    "sniffer_timeout": "min_delay_between_sniffing",
    "sniff_on_connection_fail": "sniff_on_node_failure",
    "http_auth": "basic_auth",
}
#: elasticsearch-py 1.x's defaults for the dead-node backoff.
DEAD_TIMEOUT = 60
TIMEOUT_CUTOFF = 5
#: Options that hold secrets: never shown in a message or a repr.
SECRETS = frozenset({"http_auth", "basic_auth", "api_key", "bearer_auth", "opaque_id"})


def translate(params: dict[str, Any], place: str) -> dict[str, Any]:
    """Client keyword arguments from ``PARAMS``; 0.3 names become today's, with a warning."""
    options = dict(params)
    for old, new in RENAMED.items():
        if old in options:
            _deprecated(place, old, new)
            value = options.pop(old)
            if old == "http_auth" and isinstance(value, str) and ":" in value:
                value = tuple(value.split(":", 1))
            options.setdefault(new, value)
    if "dead_timeout" in options or "timeout_cutoff" in options:
        dead_timeout = options.pop("dead_timeout", DEAD_TIMEOUT)
        cutoff = options.pop("timeout_cutoff", TIMEOUT_CUTOFF)
        _deprecated(
            place, "dead_timeout/timeout_cutoff", "dead_node_backoff_factor/max_dead_node_backoff"
        )
        options.setdefault("dead_node_backoff_factor", dead_timeout)
        options.setdefault("max_dead_node_backoff", dead_timeout * 2 ** max(cutoff - 1, 0))
    return options


def _deprecated(place: str, old: str, new: str) -> None:
    warnings.warn(
        f"{place}: {old!r} is djangoes 0.3's name; use {new!r} (elasticsearch-py 9's option)",
        DeprecationWarning,
        stacklevel=4,
    )
