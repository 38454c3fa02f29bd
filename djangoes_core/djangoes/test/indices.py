"""Test indices: their creation, their reset between tests, their destruction.

Everything here acts on the indices of a connection *in test mode* (see
:func:`djangoes.test.utils.setup_djangoes`), and every name is checked against the live names
and aliases before a request is sent: test tooling never writes to, nor deletes, an index that
is not a test index.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from django.core.exceptions import ImproperlyConfigured

from .. import conf

if TYPE_CHECKING:
    from ..backends.abstracts import Base

#: The mappings and aliases of each test index right after this process (or the process it
#: was forked from) created it: what "configured" means when a test case starts.
_FRESH: dict[str, Any] = {}


class TestIndices:
    """The test indices of one connection."""

    __test__ = False  # not a test class, whatever pytest's collection thinks of the name

    def __init__(self, connection: Base, handler: Any = None) -> None:
        if handler is None:
            from djangoes import connections as handler
        if not handler.testing:
            raise ImproperlyConfigured(
                "djangoes test indices are only managed in test mode: call "
                "djangoes.test.utils.setup_djangoes() (the djangoes test runner, test cases and "
                "pytest plugin do)"
            )
        self.connection = connection
        self.client = connection.client
        self.library = connection.library
        self.lenient = self.library.lenient(self.client)
        self.bodies = connection.get_indices_with_settings()
        live = conf.live_names(handler.indices)
        for name, body in self.bodies.items():
            for checked in (name, *(body.get("aliases") or {})):
                if checked in live:
                    raise ImproperlyConfigured(
                        f"connection {connection.alias!r} would manage {checked!r} as a test "
                        f"index, but it is a live index name or alias ({live[checked]})"
                    )
        self.names = list(self.bodies)

    def __bool__(self) -> bool:
        return bool(self.names)

    # Creation and destruction

    def create(
        self,
        *,
        keepdb: bool = False,
        interactive: bool = False,
        verbosity: int = 1,
        stdout: TextIO | None = None,
    ) -> None:
        """Create the test indices, as Django creates a test database.

        With ``keepdb`` an existing test index is kept; otherwise one left behind by an
        interrupted run is deleted and created again, after a prompt when ``interactive``.
        """
        out = stdout or sys.stdout
        for name, body in self.bodies.items():
            exists = bool(self.client.indices.exists(index=name))
            if exists and keepdb:
                if verbosity >= 1:
                    out.write(
                        f"Using existing test index {name!r} "
                        f"(connection {self.connection.alias!r})...\n"
                    )
                continue
            if exists:
                if interactive and not _confirm(name):
                    raise SystemExit(f"Tests cancelled: test index {name!r} already exists.")
                if verbosity >= 1:
                    out.write(f"Destroying old test index {name!r}...\n")
                self.client.indices.delete(index=name)
            if verbosity >= 1:
                out.write(
                    f"Creating test index {name!r} (connection {self.connection.alias!r})...\n"
                )
            self.client.indices.create(index=name, **body)

    def _create(self, name: str) -> None:
        self.client.indices.create(index=name, **self.bodies[name])
        _FRESH[name] = self._definitions([name])[name]

    def _recreate(self, name: str) -> None:
        self.lenient.indices.delete(index=name)
        self._create(name)

    def prepare(self) -> None:
        """Make the test indices exist, configured as created, and empty: a test case's start."""
        self.refresh_existing()
        current = self._definitions()
        for name in self.names:
            if current[name] is None:
                self._create(name)
            elif name not in _FRESH:
                _FRESH[name] = current[name]  # made by another process: taken as it is
            elif current[name] != _FRESH[name]:
                self._recreate(name)
        self._delete_documents([n for n, (count, _) in self._signature().items() if count])

    def refresh_existing(self) -> None:
        if self.names:
            self.lenient.indices.refresh(index=self.names, ignore_unavailable=True)

    def destroy(self, *, verbosity: int = 1, stdout: TextIO | None = None) -> None:
        out = stdout or sys.stdout
        for name in self.names:
            if verbosity >= 1:
                out.write(f"Destroying test index {name!r}...\n")
            self.lenient.indices.delete(index=name)

    # Between tests

    def refresh(self) -> None:
        if self.names:
            self.client.indices.refresh(index=self.names)

    def capture(self, *, documents: bool = True) -> Baseline:
        """The state to return to before each test: mappings, aliases, and the documents that
        ``setUpTestData`` (or ``setUpClass``) indexed."""
        self.refresh()
        baseline = Baseline(self._definitions(), self._signature())
        if documents and any(count for count, _ in baseline.signature.values()):
            baseline.documents = [
                (hit["_index"], hit["_id"], hit["_source"], hit.get("_routing"))
                for hit in self.library.scan(
                    self.client, index=self.names, size=1000, query={"query": {"match_all": {}}}
                )
            ]
        return baseline

    def reset(self, baseline: Baseline) -> None:
        """Bring the indices back to ``baseline``.

        Three requests when nothing changed; when a test wrote, one more (deleting its
        documents) unless the baseline holds documents of its own to restore.
        """
        self.refresh_existing()
        definitions = self._definitions()
        if definitions == baseline.definitions and self._signature() == baseline.signature:
            return
        dirty = []
        for name in self.names:
            if definitions.get(name) != baseline.definitions.get(name):
                self._recreate(name)
            else:
                dirty.append(name)
        self._delete_documents(dirty)
        if not baseline.documents:
            return  # empty again, as the baseline was: its signature still holds
        actions = (
            {
                "_index": index,
                "_id": doc_id,
                "_source": source,
                **({"routing": routing} if routing else {}),
            }
            for index, doc_id, source, routing in baseline.documents
        )
        self.library.bulk(self.client, actions, refresh=True)
        baseline.signature = self._signature()

    def _delete_documents(self, names: list[str]) -> None:
        if names:
            self.client.delete_by_query(
                index=names, query={"match_all": {}}, conflicts="proceed", refresh=True
            )

    def _definitions(self, names: list[str] | None = None) -> dict[str, Any]:
        """Mappings and aliases of each test index (None if missing), as the server has them."""
        names = self.names if names is None else names
        if not names:
            return {}
        found = self.client.indices.get(index=names, ignore_unavailable=True)
        return {
            name: (found[name]["mappings"], sorted(found[name].get("aliases") or {}))
            if name in found
            else None
            for name in names
        }

    def _signature(self) -> dict[str, tuple[int, int]]:
        """(documents, highest ``_seq_no``) of each index: any write changes one of them."""
        if not self.names:
            return {}
        searches: list[dict[str, Any]] = []
        for name in self.names:
            searches += [
                {"index": name},
                {
                    "size": 1,
                    "track_total_hits": True,
                    "_source": False,
                    "sort": [{"_seq_no": "desc"}],
                },
            ]
        responses = self.client.msearch(searches=searches)["responses"]
        signature = {}
        for name, response in zip(self.names, responses, strict=True):
            hits = response.get("hits", {})
            top = hits.get("hits") or [{}]
            signature[name] = (
                hits.get("total", {}).get("value", -1),
                (top[0].get("sort") or [-1])[0],
            )
        return signature


@dataclass
class Baseline:
    definitions: dict[str, Any]
    signature: dict[str, tuple[int, int]]
    documents: list[tuple[str, str, Any, str | None]] = field(default_factory=list)


def _confirm(name: str) -> bool:
    answer = input(
        f"Type 'yes' if you would like to try deleting the test index {name!r}, or 'no' to cancel: "
    )
    return answer.strip().lower() == "yes"
