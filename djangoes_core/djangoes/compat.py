"""djangoes 0.3's API, kept working on today's stack: every shim in one place.

What 0.3 offered that today's design would not have (see the "Public API kept from djangoes
0.3" of the design): the handler's ``ensure_*``/``prepare_*`` methods, a backend built with a
list of index settings, the ``SimpleHttpBackend``... dotted names, and ``doc_type``. The other
0.3 spellings are read where their setting is: ``TESTS`` in :mod:`djangoes.conf`, 0.3's
``PARAMS`` names in :mod:`djangoes.backends.params`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import conf

#: djangoes 0.3's dotted backend names -> the short name of the transport that is each today.
#: (Its documentation also spelt the HTTP backend ``SimpleHttpClient``, a name the code never
#: had: configurations copied from it work too.)
LEGACY_BACKENDS = {
    "djangoes.backends.elasticsearch.SimpleHttpBackend": "http",
    "djangoes.backends.elasticsearch.SimpleHttpClient": "http",
    "djangoes.backends.elasticsearch.SimpleRequestsHttpBackend": "requests",
    "djangoes.backends.elasticsearch.SimpleThriftBackend": "thrift",
    "djangoes.backends.elasticsearch.SimpleMemcachedBackend": "memcached",
}


def indices_by_name(
    indices: Mapping[str, Mapping[str, Any]] | list[Mapping[str, Any]],
) -> Mapping[str, Mapping[str, Any]]:
    """A backend's indices by key: 0.3 passed a list of index settings, keyed here by NAME."""
    if isinstance(indices, Mapping):
        return indices
    return {index["NAME"]: index for index in indices}


def drop_doc_type(kwargs: dict[str, Any]) -> None:
    """Mapping types are gone since Elasticsearch 7: 0.3's ``doc_type`` is dropped."""
    if "doc_type" in kwargs:
        kwargs.pop("doc_type")
        warnings.warn(
            "doc_type is ignored: Elasticsearch no longer has mapping types",
            DeprecationWarning,
            stacklevel=3,
        )


class HandlerCompat:
    """0.3's ``ConnectionHandler`` methods that filled settings one entry at a time; today
    every entry is completed and checked when the settings are first read."""

    exception_class: type[Exception]

    if TYPE_CHECKING:  # the handler's, read once

        @property
        def settings(self) -> dict[str, dict[str, Any]]: ...

        @property
        def indices(self) -> dict[str, dict[str, Any]]: ...

    def ensure_server_defaults(self, alias: str) -> None:
        """Fill the defaults of one ``ES_SERVERS`` entry (all are filled on first use)."""
        try:
            server = self.settings[alias]
        except KeyError:
            raise self.exception_class(f"The connection {alias!r} doesn't exist.") from None
        self.settings[alias] = conf.server_settings(alias, server, self.indices)

    def ensure_index_defaults(self, alias: str) -> None:
        """Fill the defaults of one ``ES_INDICES`` entry (all are filled on first use)."""
        try:
            index = self.indices[alias]
        except KeyError:
            raise self.exception_class(f"The index {alias!r} doesn't exist.") from None
        test = index["TEST"]
        self.indices[alias] = conf.index_settings(alias, index)
        self.indices[alias]["TEST"] = test

    def prepare_server_test_settings(self, alias: str) -> None:
        """Make sure ``TEST`` is there: ``TEST['INDICES']`` replaces ``INDICES`` during tests."""
        self.ensure_server_defaults(alias)
        self.settings[alias].setdefault("TEST", {})

    def prepare_index_test_settings(self, alias: str) -> None:
        """Make sure ``TEST`` holds the test ``NAME``, ``ALIASES`` and ``SETTINGS``."""
        self.ensure_index_defaults(alias)
        index = self.indices[alias]
        index["TEST"] = conf.test_index_settings(alias, index)
        conf.check_test_names(self.indices)
