"""``manage.py check``: the settings, by the rules that raise when they are read.

Each :class:`~djangoes.errors.SettingError` becomes a check error with its id and hint. Beyond
what reading the settings checks, this also loads each ``ENGINE``, checks ``PARAMS`` as the
client would take them, and imports each ``SOURCE``: what a connection or a rebuild would
otherwise find out later.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .. import conf
from ..backends.loading import load_backend
from ..errors import SettingError
from ..rebuild import source


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    servers = getattr(settings, "ES_SERVERS", None)
    indices = getattr(settings, "ES_INDICES", None)
    problems = conf.problems(servers, indices)
    for name in conf.REBUILD_DEFAULTS:
        try:
            conf.rebuild_setting(name, getattr(settings, name, None))
        except SettingError as error:
            problems.append(error)
    if not problems:
        problems += _engines(conf.servers_settings(servers, conf.indices_settings(indices)))
        problems += _sources(conf.indices_settings(indices))
    return [error_check(problem) for problem in problems]


def error_check(error: SettingError) -> checks.Error:
    return checks.Error(str(error), hint=error.hint, id=error.id)


def _engines(servers: dict[str, dict[str, Any]]) -> Iterator[SettingError]:
    from ..backends.params import check_client_options

    for alias, server in servers.items():
        try:
            backend = load_backend(server["ENGINE"], alias)
        except SettingError as error:
            yield error
            continue
        client_options = getattr(backend(alias, server, {}), "client_options", None)
        if client_options is None:
            continue  # not a backend on elasticsearch-py: its PARAMS are its own
        try:
            with warnings.catch_warnings():  # 0.3's names: warned about when connecting
                warnings.simplefilter("ignore", DeprecationWarning)
                options = client_options()
            check_client_options(options, conf.where("ES_SERVERS", alias, "PARAMS"))
        except ImproperlyConfigured as error:
            yield SettingError("E011", str(error))


def _sources(indices: dict[str, dict[str, Any]]) -> Iterator[SettingError]:
    for alias, index in indices.items():
        if index.get("SOURCE") is not None:
            try:
                source.load(index["SOURCE"], conf.where("ES_INDICES", alias, "SOURCE"))
            except SettingError as error:
                yield error
