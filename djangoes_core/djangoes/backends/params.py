"""``PARAMS``: client options, with djangoes 0.3's names translated to elasticsearch-py 9's.

djangoes 0.3 documented the options of elasticsearch-py 1.x (``timeout``, ``dead_timeout``,
``timeout_cutoff``...). They still work: each is translated to today's option, with a
DeprecationWarning that names both.
"""

from __future__ import annotations

import difflib
import os
import ssl
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ..conf import check_type

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


# Checking PARAMS before the client sees them: elasticsearch-py takes most options as they come
# and fails later, from deep inside, on the first request (``request_timeout="fast"``,
# ``max_retries=-1``) or with a TypeError of its own (an unknown option).

#: Client options djangoes fills in from other settings.
RESERVED = {
    "hosts": "HOSTS",
    "transport_class": "ENGINE",
    "node_class": "ENGINE",
    "_transport": "ENGINE",
}
#: Numbers: (integers only, the least value, whether the least value itself is refused).
NUMBERS: dict[str, tuple[bool, float, bool]] = {
    "request_timeout": (False, 0, True),
    "sniff_timeout": (False, 0, True),
    "max_retries": (True, 0, False),
    "connections_per_node": (True, 1, False),
    "dead_node_backoff_factor": (False, 0, False),
    "max_dead_node_backoff": (False, 0, False),
    "retry_backoff_base": (False, 0, False),
    "retry_backoff_cap": (False, 0, False),
    "min_delay_between_sniffing": (False, 0, False),
}
FLAGS = frozenset(
    {
        "retry_on_timeout",
        "verify_certs",
        "http_compress",
        "sniff_on_start",
        "sniff_before_requests",
        "sniff_on_node_failure",
        "ssl_show_warn",
        "meta_header",
        "randomize_nodes_in_pool",
    }
)
STRINGS = frozenset(
    {"cloud_id", "opaque_id", "bearer_auth", "ssl_assert_fingerprint", "server_mode"}
)
PATHS = frozenset({"ca_certs", "client_cert", "client_key"})
#: Options whose value may be None (no timeout, no credentials...).
NULLABLE = frozenset(
    {
        "request_timeout",
        "sniff_timeout",
        "min_delay_between_sniffing",
        "api_key",
        "basic_auth",
        "bearer_auth",
        "opaque_id",
        "cloud_id",
        "serializer",
        "sniffed_node_callback",
    }
)


@dataclass(frozen=True)
class OptionKinds:
    """What kind of value each of a client library's options takes: the table a backend fills.

    :func:`check_option` checks an option by it, and the options every HTTP client library
    shares (``headers``, ``retry_on_status``, ``ssl_context``, ``ssl_assert_hostname``); a
    backend on another client library gives its own table and checks the rest itself.
    """

    #: Numbers: (integers only, the least value, whether the least value itself is refused).
    numbers: Mapping[str, tuple[bool, float, bool]]
    flags: frozenset[str]
    strings: frozenset[str]
    paths: frozenset[str]
    #: Options that hold secrets: their value is never shown in a message.
    secrets: frozenset[str]


#: elasticsearch-py's options by kind.
KINDS = OptionKinds(NUMBERS, FLAGS, STRINGS, PATHS, SECRETS)


def client_option_names() -> frozenset[str]:
    """The keyword arguments of ``elasticsearch.Elasticsearch`` (of the installed version)."""
    import inspect

    from elasticsearch import Elasticsearch

    parameters = inspect.signature(Elasticsearch.__init__).parameters
    return frozenset(name for name, p in parameters.items() if p.kind is p.KEYWORD_ONLY)


def check_client_options(options: Mapping[str, Any], place: str) -> None:
    """Refuse what elasticsearch-py would refuse or choke on, naming ``place`` and the key.

    ``options`` are client keyword arguments (``PARAMS`` translated); a message never shows the
    value of a secret.
    """
    names = client_option_names()
    for key, value in options.items():
        if key in RESERVED:
            raise ImproperlyConfigured(
                f"{place} sets {key!r}, which djangoes sets from {RESERVED[key]}: "
                f"remove it from PARAMS"
            )
        if key not in names:
            close = difflib.get_close_matches(str(key), sorted(names), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ImproperlyConfigured(
                f"{place} has an unknown key {key!r}: not an option of "
                f"elasticsearch.Elasticsearch{hint}"
            )
        if value is None and key in NULLABLE:
            continue
        _check_option(key, value, f"{place}[{key!r}]")


def check_option(kinds: OptionKinds, key: str, value: Any, place: str) -> bool:
    """Check ``value`` if ``kinds`` or the shared options know ``key``; False if neither does."""
    if key in kinds.numbers:
        integer, least, exclusive = kinds.numbers[key]
        kind = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kind):
            raise _wrong(place, "an integer" if integer else "a number of seconds", value)
        if value < least or (exclusive and value == least):
            shown = "" if key in kinds.secrets else f" {value!r}"
            relation = "greater than" if exclusive else "at least"
            raise ImproperlyConfigured(f"{place} must be {relation} {least}, not{shown}")
    elif key in kinds.flags:
        check_type(value, bool, place, "True or False")
    elif key in kinds.strings:
        check_type(value, str, place, "a string")
    elif key in kinds.paths:
        check_type(value, (str, os.PathLike), place, "a file path")
    elif key == "headers":
        check_type(value, Mapping, place, "a dict of header names to strings")
        for name, item in value.items():
            check_type(name, str, place, "a dict of header names to strings")
            check_type(item, str, f"{place}[{name!r}]", "a string")
    elif key == "retry_on_status":
        check_type(value, (list, tuple, set, frozenset), place, "a list of HTTP statuses")
        for status in value:
            if isinstance(status, bool) or not isinstance(status, int):
                raise _wrong(place, "a list of HTTP statuses (integers)", status)
    elif key == "ssl_context":
        check_type(value, ssl.SSLContext, place, "an ssl.SSLContext")
    elif key == "ssl_assert_hostname":
        check_type(value, (str, bool), place, "a host name, or False")
    else:
        return False
    return True


def _check_option(key: str, value: Any, place: str) -> None:
    if key == "retry_on_status" and isinstance(value, int) and not isinstance(value, bool):
        value = [value]  # elasticsearch-py takes one status as well
    if check_option(KINDS, key, value, place):
        return
    if key in ("basic_auth", "api_key"):
        pair = isinstance(value, (tuple, list)) and len(value) == 2
        if not isinstance(value, str) and not (pair and all(isinstance(v, str) for v in value)):
            raise _wrong(place, "a string or a pair of strings", value)
    elif key in ("node_pool_class", "node_selector_class"):
        _check_class(key, value, place)
    elif key == "ssl_version":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong(place, "an ssl.TLSVersion or ssl.PROTOCOL_* constant", value)
    elif key in ("serializer", "serializers"):
        _check_serializers(key, value, place)
    elif key == "sniffed_node_callback" and not callable(value):
        raise _wrong(place, "a function", value)


def _check_serializers(key: str, value: Any, place: str) -> None:
    from elastic_transport import Serializer

    expected = "an elastic_transport.Serializer"
    if key == "serializer":
        check_type(value, Serializer, place, expected)
        return
    check_type(value, Mapping, place, "a dict of mimetypes to serializers")
    for mimetype, serializer in value.items():
        check_type(serializer, Serializer, f"{place}[{mimetype!r}]", expected)


def _wrong(place: str, expected: str, value: Any) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{place} must be {expected}, not {type(value).__name__}")


def _check_class(key: str, value: Any, place: str) -> None:
    from elastic_transport import NodePool, NodeSelector

    if key == "node_selector_class" and value in ("round_robin", "random"):
        return
    base = NodePool if key == "node_pool_class" else NodeSelector
    if not (isinstance(value, type) and issubclass(value, base)):
        names = " ('round_robin' or 'random')" if key == "node_selector_class" else ""
        raise ImproperlyConfigured(
            f"{place} must be a subclass of elastic_transport.{base.__name__}{names}, not {value!r}"
        )


def hide_secrets(text: str, options: Mapping[str, Any], secrets: frozenset[str] = SECRETS) -> str:
    """``text`` with the value of every secret option in ``options`` masked."""
    for key in secrets & options.keys():
        value = options[key]
        pieces = list(value) if isinstance(value, (tuple, list)) else [value]
        if isinstance(value, str) and ":" in value:  # "user:password", and each half
            pieces += value.split(":", 1)
        for piece in pieces:
            if isinstance(piece, str) and len(piece) >= 4:
                text = text.replace(piece, "***")
    return text
