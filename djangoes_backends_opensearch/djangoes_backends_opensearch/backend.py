"""``OpenSearchBackend``: ``ENGINE: 'opensearch'`` in ``ES_SERVERS``.

A backend on another client library than elasticsearch-py, written as a third party would:
it subclasses the core's ``Base`` (plus the index-less methods every backend shares), builds
an opensearch-py client from ``HOSTS`` and ``PARAMS``, and tells the core about opensearch-py
through the client's library (:data:`.client.LIBRARY`). ``docs/transports.md`` walks through it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

import opensearchpy
from django.core.exceptions import ImproperlyConfigured

from djangoes.backends.abstracts import Base
from djangoes.backends.methods import IndexlessMethods
from djangoes.backends.requests_log import scrub

from . import aws, params
from .client import Client, Transport, host_url, recording


def opensearch_host(host: str | Mapping[str, Any]) -> dict[str, Any]:
    """A completed ``HOSTS`` entry (a URL, or a dict with scheme and port) as opensearch-py's
    host dict; credentials in a URL are its ``http_auth`` (:meth:`OpenSearchBackend.client_hosts`
    makes them the client's when every host has the same)."""
    if isinstance(host, Mapping):
        scheme = host.get("scheme") or ("https" if host.get("use_ssl") else "http")
        found: dict[str, Any] = {"host": host["host"], "port": host.get("port", 9200)}
        prefix = host.get("path_prefix") or host.get("url_prefix")
    else:
        parts = urlsplit(host)
        scheme = parts.scheme
        found = {"host": parts.hostname, "port": parts.port}
        prefix = parts.path
        if parts.username is not None:
            found["http_auth"] = (unquote(parts.username), unquote(parts.password or ""))
    found["use_ssl"] = scheme == "https"
    if prefix and prefix != "/":
        found["url_prefix"] = prefix
    return found


class OpenSearchBackend(IndexlessMethods, Base):
    """A connection through ``opensearchpy.OpenSearch`` (``AsyncOpenSearch`` for
    ``aconnections``): the same index-less methods as the other backends, with opensearch-py's
    exceptions and responses, and ``PARAMS`` as opensearch-py's arguments (:mod:`.params`)."""

    #: The client class (opensearch-py's, taking elasticsearch-py's keyword bodies too); the
    #: asynchronous one is :class:`.asynchronous.AsyncClient` (it needs aiohttp).
    client_class: type = Client

    @property
    def place(self) -> str:
        return f"ES_SERVERS[{self.alias!r}]['PARAMS']"

    def client_hosts(self) -> list[dict[str, Any]]:
        hosts = [opensearch_host(host) for host in self.server.get("HOSTS") or []]
        return hosts or [{"host": "localhost", "port": 9200, "use_ssl": False}]

    def shared_auth(self, hosts: list[dict[str, Any]]) -> Any:
        """Credentials every host's URL gives alike, taken out of the host dicts (which
        opensearch-py keeps and shows) to be the client's ``http_auth``; None otherwise."""
        found = {repr(host.get("http_auth")) for host in hosts}
        if len(found) != 1 or hosts[0].get("http_auth") is None:
            return None
        auth = hosts[0]["http_auth"]
        for host in hosts:
            del host["http_auth"]
        return auth

    def client_options(self, asynchronous: bool = False) -> dict[str, Any]:
        """Keyword arguments of the client: ``PARAMS`` checked and translated, the recording
        transport and connection, and the AWS signer if ``aws`` asks for one."""
        given = self.server.get("PARAMS") or {}
        params.check(given, self.place)
        options = params.translate(given)
        if asynchronous:
            from . import asynchronous as aio

            connection_class = aio.connection_class(signed="aws" in given)
            options.pop("connection_class", None)
        else:
            connection_class = options.get("connection_class", opensearchpy.Urllib3HttpConnection)
        if "aws" in given:
            options["http_auth"] = aws.signer(
                given["aws"], self.place, connection_class, asynchronous
            )
        if asynchronous:
            options["connection_class"] = aio.recording(connection_class)
            options["transport_class"] = aio.AsyncTransport
        else:
            options["connection_class"] = recording(connection_class)
            options["transport_class"] = Transport
        return options

    def check_server(self) -> None:
        """``manage.py check``: ``PARAMS`` (and ``aws``'s shape) without connecting."""
        given = self.server.get("PARAMS") or {}
        params.check(given, self.place)
        if "aws" in given:
            aws.check(given["aws"], self.place)

    def configure_client(self) -> None:
        self.client = self.create_client(self.client_class, asynchronous=False)

    def configure_async_client(self) -> None:
        if importlib.util.find_spec("aiohttp") is None:
            raise ImproperlyConfigured(
                f'aconnections[{self.alias!r}] needs aiohttp: pip install "djangoes[async]"'
            )
        from .asynchronous import AsyncClient

        self.client = self.create_client(AsyncClient, asynchronous=True)

    def create_client(self, client_class: type, asynchronous: bool) -> Any:
        """The client, its transport recording into this connection's log; an error of
        opensearch-py's own is an ImproperlyConfigured that names the setting, without secrets."""
        options = self.client_options(asynchronous)
        given = self.server.get("PARAMS") or {}
        try:
            hosts = self.client_hosts()
            auth = self.shared_auth(hosts)
            if auth is not None:
                options.setdefault("http_auth", auth)
            client = client_class(hosts, **options)
        except (TypeError, ValueError, opensearchpy.ImproperlyConfigured) as error:
            message = params.hide_secrets(scrub(f"{type(error).__name__}: {error}"), given)
            raise ImproperlyConfigured(
                f"{self.place} is refused by the client: {message}"
            ) from None
        client.transport.requests_log = self.requests_log
        return client

    def location(self) -> str:
        """The client's hosts, without credentials."""
        hosts = self.client_hosts() if self.client is None else self.client.transport.hosts
        return ", ".join(sorted({host_url(host) for host in hosts}))

    # Point in time: OpenSearch's API (``create_pit``/``delete_pit``), under elasticsearch-py's
    # names; the answers are OpenSearch's (``pit_id``).

    def open_point_in_time(self, **kwargs: Any) -> Any:
        return self.client.create_pit(**self._indices(kwargs))

    def close_point_in_time(self, **kwargs: Any) -> Any:
        pit_id = kwargs.pop("id", None)
        if pit_id is not None:
            kwargs.setdefault("body", {"pit_id": [pit_id]})
        return self.client.delete_pit(**kwargs)
