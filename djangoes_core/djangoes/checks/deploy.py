"""``manage.py check --deploy``: connection settings that are unsafe in production.

What can be told from the settings alone: certificates not verified (W001), credentials sent
over plain HTTP to another machine (W002), and credentials written in the settings rather than
read from the environment (W003: a secret that no environment variable holds); and a server
that lives in one process's memory and goes with it (W012: the embedded engine without a data
directory, as its backend's ``ephemeral`` says), which ``es_indices`` and ``es_check`` also warn
about. Secrets are never shown in a message.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

from .. import conf
from ..backends.loading import load_backend
from ..errors import SettingError

#: Options that carry credentials, and the 0.3 name of basic_auth.
CREDENTIALS = ("basic_auth", "http_auth", "api_key", "bearer_auth")

W001 = "Remove verify_certs=False; give ca_certs (the CA of the server's certificate) instead."
W002 = "Use an https:// host: basic_auth, api_key and bearer_auth are sent with every request."
W003 = (
    "Read credentials from the environment, e.g. "
    "'basic_auth': ('elastic', os.environ['ES_PASSWORD']), and keep them out of version control."
)

#: The id of the in-memory engine's warning; ``SILENCED_SYSTEM_CHECKS`` silences the commands'
#: warning too.
EPHEMERAL = "djangoes.W012"


def ephemeral_message(alias: str) -> str:
    return (
        f"ES_SERVERS[{alias!r}] is an in-memory embedded engine (ENGINE 'embedded' without "
        "PARAMS['path']): its indices live in one process's memory and go when that process "
        "exits; another process (a management command, each server worker) has its own."
    )


def ephemeral_hint(alias: str) -> str:
    return (
        "Keep the engine's data in a directory, as SQLite keeps db.sqlite3: set "
        f"{conf.where('ES_SERVERS', alias, 'PARAMS')}['path'], e.g. BASE_DIR / 'search'."
    )


def check_deploy(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        indices = conf.indices_settings(getattr(settings, "ES_INDICES", None))
        servers = conf.servers_settings(getattr(settings, "ES_SERVERS", None), indices)
    except SettingError:
        return []  # check_settings reports it
    warnings: list[checks.CheckMessage] = []
    for alias, server in servers.items():
        warnings += server_warnings(alias, server)
        if _ephemeral(alias, server):
            warnings.append(
                checks.Warning(ephemeral_message(alias), hint=ephemeral_hint(alias), id=EPHEMERAL)
            )
    return warnings


def _ephemeral(alias: str, server: dict[str, Any]) -> bool:
    """Whether the connection's server lives in this process's memory (its backend says)."""
    try:
        backend = load_backend(server["ENGINE"], alias)
    except SettingError:
        return False  # check_settings reports it
    return bool(backend(alias, server, {}).ephemeral)


def server_warnings(alias: str, server: dict[str, Any]) -> list[checks.Warning]:
    params = server.get("PARAMS") or {}
    place = conf.where("ES_SERVERS", alias, "PARAMS")
    found = []
    if params.get("verify_certs") is False:
        found.append(
            checks.Warning(
                f"{place}['verify_certs'] is False: the server's TLS certificate is not checked, "
                "so anyone on the way can pose as the server.",
                hint=W001,
                id="djangoes.W001",
            )
        )
    secrets = dict(_secrets(params, place))
    secrets.update(_host_secrets(server["HOSTS"], conf.where("ES_SERVERS", alias, "HOSTS")))
    plain = [host for host in map(_url, server["HOSTS"]) if _in_clear(host)]
    if secrets and plain:
        found.append(
            checks.Warning(
                f"ES_SERVERS[{alias!r}] sends credentials over plain HTTP to "
                f"{', '.join(_shown(host) for host in plain)}.",
                hint=W002,
                id="djangoes.W002",
            )
        )
    for where, secret in secrets.items():
        if not _from_environment(secret):
            found.append(
                checks.Warning(
                    f"{where} holds a secret written in the settings (no environment variable "
                    "holds it).",
                    hint=W003,
                    id="djangoes.W003",
                )
            )
    return found


def _secrets(params: dict[str, Any], place: str) -> Iterator[tuple[str, str]]:
    """(where, secret) for each credential in PARAMS: a password, a key or a token."""
    for key in CREDENTIALS:
        value = params.get(key)
        if isinstance(value, tuple | list) and len(value) == 2:
            value = value[1]  # (user, password) or (id, key)
        elif key in ("basic_auth", "http_auth") and isinstance(value, str) and ":" in value:
            value = value.split(":", 1)[1]
        if isinstance(value, str) and value:
            yield f"{place}[{key!r}]", value


def _host_secrets(hosts: list[Any], place: str) -> Iterator[tuple[str, str]]:
    for host in hosts:
        if isinstance(host, str) and (password := urlsplit(host).password):
            yield f"{place} ({_shown(_url(host))})", password


def _url(host: Any) -> str:
    if isinstance(host, dict):
        return f"{host['scheme']}://{host['host']}:{host['port']}"
    return host


def _shown(url: str) -> str:
    """A host URL without its userinfo."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


def _in_clear(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "http" and not _loopback(parts.hostname or "")


def _loopback(hostname: str) -> bool:
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def _from_environment(secret: str) -> bool:
    """Whether an environment variable holds ``secret`` (alone, or in a URL or a pair)."""
    return any(
        value == secret or (len(secret) >= 8 and secret in value) for value in os.environ.values()
    )
