"""``PARAMS`` of an OpenSearch connection: opensearch-py's own arguments, checked before use.

They are the keyword arguments of ``opensearchpy.OpenSearch``: those of its Transport
(``max_retries``, ``retry_on_timeout``, ``retry_on_status``, ``sniff_on_start``...) and of its
connection class (``timeout``, ``http_auth``, ``use_ssl``, ``verify_certs``, ``ca_certs``,
``client_cert``, ``client_key``, ``ssl_assert_hostname``, ``headers``, ``http_compress``...),
read from the installed opensearch-py. elasticsearch-py's names for the same settings are
taken too, so that a project changing ``ENGINE`` keeps its ``PARAMS``: ``request_timeout``
(``timeout``), ``basic_auth`` (``http_auth``), ``connections_per_node`` (``pool_maxsize``).
One key is djangoes' own: ``aws``, AWS SigV4 signing (see :mod:`.aws`).
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Mapping
from typing import Any

import opensearchpy
from django.core.exceptions import ImproperlyConfigured

from djangoes.backends import params as core_params
from djangoes.backends.params import OptionKinds, check_option

#: elasticsearch-py's option -> opensearch-py's.
ELASTICSEARCH_NAMES = {
    "request_timeout": "timeout",
    "basic_auth": "http_auth",
    "connections_per_node": "pool_maxsize",
}
#: Options djangoes fills in from other settings.
RESERVED = {
    "hosts": "HOSTS",
    "host": "HOSTS",
    "port": "HOSTS",
    "url_prefix": "HOSTS",
    "transport_class": "ENGINE",
}
#: ``PARAMS`` read by the backend itself, never given to the client.
OWN = ("aws",)
#: Numbers: (integers only, the least value, whether the least value itself is refused).
NUMBERS: dict[str, tuple[bool, float, bool]] = {
    "timeout": (False, 0, True),
    "max_retries": (True, 0, False),
    "pool_maxsize": (True, 1, False),
    "sniff_timeout": (False, 0, True),
    "sniffer_timeout": (False, 0, True),
}
FLAGS = frozenset(
    {
        "use_ssl",
        "verify_certs",
        "ssl_show_warn",
        "http_compress",
        "retry_on_timeout",
        "sniff_on_start",
        "sniff_on_connection_fail",
    }
)
PATHS = frozenset({"ca_certs", "client_cert", "client_key"})
STRINGS = frozenset({"ssl_assert_fingerprint", "opaque_id", "send_get_body_as"})
NULLABLE = frozenset({"timeout", "http_auth", "ca_certs", "sniffer_timeout", "opaque_id"})
#: Options that hold secrets: never shown in a message.
SECRETS = frozenset({"http_auth", "basic_auth", "api_key", "opaque_id"})
KINDS = OptionKinds(NUMBERS, FLAGS, STRINGS, PATHS, SECRETS)


def option_names(connection_class: type) -> frozenset[str]:
    """The keyword arguments opensearch-py's client takes with ``connection_class``."""
    names: set[str] = set()
    for function in (
        opensearchpy.Transport.__init__,
        connection_class.__init__,  # type: ignore[misc]
        opensearchpy.Connection.__init__,
    ):
        parameters = inspect.signature(function).parameters.values()
        names.update(
            p.name for p in parameters if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
        )
    return frozenset(names - {"self", "kwargs"})


def translate(params: Mapping[str, Any]) -> dict[str, Any]:
    """``PARAMS`` with elasticsearch-py's names as opensearch-py's, and the backend's own out."""
    options = {key: value for key, value in params.items() if key not in OWN}
    for name, own in ELASTICSEARCH_NAMES.items():
        if name in options:
            value = options.pop(name)
            options.setdefault(own, value)
    return options


def check(params: Mapping[str, Any], place: str) -> None:
    """Refuse what opensearch-py would refuse or choke on, naming ``place`` and the key."""
    for key in params:
        if key in RESERVED:
            raise ImproperlyConfigured(
                f"{place} sets {key!r}, which djangoes sets from {RESERVED[key]}: remove it from "
                "PARAMS"
            )
    options = translate(params)
    connection_class = options.get("connection_class", opensearchpy.Urllib3HttpConnection)
    if not (
        isinstance(connection_class, type) and issubclass(connection_class, opensearchpy.Connection)
    ):
        raise ImproperlyConfigured(
            f"{place}['connection_class'] must be a subclass of opensearchpy.Connection "
            f"(Urllib3HttpConnection or RequestsHttpConnection), not {connection_class!r}"
        )
    names = option_names(connection_class) | set(ELASTICSEARCH_NAMES) | set(OWN)
    for key in params:
        if key not in names:
            close = difflib.get_close_matches(str(key), sorted(names), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ImproperlyConfigured(
                f"{place} has an unknown key {key!r}: not an option of opensearchpy.OpenSearch "
                f"(with {connection_class.__name__}){hint}"
            )
    if "http_auth" in options and "aws" in params:
        raise ImproperlyConfigured(
            f"{place} sets both 'aws' (SigV4 signing) and "
            f"{'basic_auth' if 'basic_auth' in params else 'http_auth'}: choose one"
        )
    for key, value in options.items():
        if value is None and key in NULLABLE:
            continue
        shown_key = next(
            (k for k, v in ELASTICSEARCH_NAMES.items() if v == key and k in params), key
        )
        _check(key, value, f"{place}[{shown_key!r}]")


def _check(key: str, value: Any, place: str) -> None:
    if check_option(KINDS, key, value, place):
        return
    if key == "http_auth":
        pair = isinstance(value, tuple | list) and len(value) == 2
        if callable(value):
            return  # an auth object of opensearch-py's (a signer)
        if not (isinstance(value, str) and ":" in value) and not (
            pair and all(isinstance(v, str) for v in value)
        ):
            raise ImproperlyConfigured(
                f"{place} must be 'user:password' or a pair of strings, not {type(value).__name__}"
            )


def hide_secrets(text: str, params: Mapping[str, Any]) -> str:
    """``text`` with the value of every secret in ``params`` masked."""
    return core_params.hide_secrets(text, params, SECRETS)
