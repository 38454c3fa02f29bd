"""``manage.py check``: the settings, by the rules that raise when they are read.

Each :class:`~djangoes.errors.SettingError` becomes a check error with its id and hint. Beyond
what reading the settings checks, this also loads each ``ENGINE``, builds each client as the
connection would (``HOSTS`` and ``PARAMS`` as the client takes them, without connecting), and
imports each ``SOURCE``: what a connection or a rebuild would otherwise find out later. Once
every entry is valid, the entries are checked together (:mod:`.layout`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from elastic_transport import BaseNode, Transport

from .. import conf
from ..backends.loading import load_backend
from ..errors import HINTS, SettingError
from ..rebuild import source
from .layout import Finding, layout_problems, settings_names


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    servers = getattr(settings, "ES_SERVERS", None)
    indices = getattr(settings, "ES_INDICES", None)
    problems = conf.problems(servers, indices)
    for name in conf.REBUILD_DEFAULTS:
        try:
            conf.rebuild_setting(name, getattr(settings, name, None))
        except SettingError as error:
            problems.append(error)
    found = [*settings_names([name for name in dir(settings) if name.isupper()])]
    if not problems:
        valid_indices = conf.indices_settings(indices)
        for alias, index in valid_indices.items():
            index["TEST"] = conf.test_index_settings(alias, index)
        valid_servers = conf.servers_settings(servers, valid_indices)
        problems += _engines(valid_servers)
        problems += _sources(valid_indices)
        found += layout_problems(valid_servers, valid_indices, conf.default_servers(servers))
    return [error_check(problem) for problem in problems] + [finding_check(f) for f in found]


def error_check(error: SettingError) -> checks.Error:
    return checks.Error(str(error), hint=error.hint, id=error.id)


def finding_check(finding: Finding) -> checks.CheckMessage:
    level = checks.Warning if finding.code.startswith("W") else checks.Error
    return level(finding.message, hint=HINTS[finding.code], id=f"djangoes.{finding.code}")


def _engines(servers: dict[str, dict[str, Any]]) -> Iterator[SettingError]:
    from elasticsearch import Elasticsearch

    from ..backends.elasticsearch import BaseElasticsearchBackend
    from ..backends.params import check_client_options

    for alias, server in servers.items():
        try:
            backend = load_backend(server["ENGINE"], alias)
        except SettingError as error:
            yield error
            continue
        connection = backend(alias, server, {})
        if not isinstance(connection, BaseElasticsearchBackend):
            # A backend on another client library checks its own HOSTS and PARAMS.
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    connection.check_server()
            except ImproperlyConfigured as error:
                yield SettingError("E011" if "['PARAMS']" in str(error) else "E005", str(error))
            continue
        try:
            connection.client_hosts()
        except ImproperlyConfigured as error:  # a transport's own rules (memcached: no TLS)
            yield SettingError("E011" if "['PARAMS']" in str(error) else "E005", str(error))
            continue
        try:
            with warnings.catch_warnings():  # 0.3's names: warned about when connecting
                warnings.simplefilter("ignore", DeprecationWarning)
                check_client_options(
                    connection.client_options(), conf.where("ES_SERVERS", alias, "PARAMS")
                )
                # Built as the connection builds it, on nodes that never connect: the client
                # refuses some options only together with HOSTS (ca_certs on http://).
                connection.create_client(Elasticsearch, Transport, _Unused).close()
        except ImproperlyConfigured as error:
            yield SettingError("E011", str(error))


class _Unused(BaseNode):
    """A node that is never asked anything: building a client on it opens nothing."""

    def perform_request(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        pass


def _sources(indices: dict[str, dict[str, Any]]) -> Iterator[SettingError]:
    for alias, index in indices.items():
        if index.get("SOURCE") is not None:
            try:
                source.load(index["SOURCE"], conf.where("ES_INDICES", alias, "SOURCE"))
            except SettingError as error:
                yield error
