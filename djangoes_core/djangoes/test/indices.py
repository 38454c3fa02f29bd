"""Test indices: their creation, their reset between tests, their destruction.

Everything here acts on the indices of a connection *in test mode* (see
:func:`djangoes.test.utils.setup_djangoes`), and every name is checked against the live names
and aliases before a request is sent: test tooling never writes to, nor deletes, an index that
is not a test index.

Whoever creates a test index deletes it, as Django's test databases: :data:`created` records
every test index this process creates (the runner, the pytest plugin, or a test case that
needed it), and the end of the run (the runner's ``teardown_databases``, the pytest session's
end, ``teardown_djangoes()``, or the interpreter's exit) deletes those, unless kept
(``--keepdb``, ``--reuse-db``). What an interrupted run left is replaced, not reused, by the
next run, which also deletes the names a parallel worker of it left under another suffix.
"""

from __future__ import annotations

import atexit
import os
import re
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
        self.handler = handler
        self.client = connection.client
        self.library = connection.library
        self.lenient = self.library.lenient(self.client)
        #: The engine's own reset when it is in this process (see :meth:`Base.in_process_reset`).
        self.fast = connection.in_process_reset()
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
        if not keepdb:
            self.remove_leftovers(verbosity=verbosity, stdout=out)
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
            created.add(self, name)
        _FRESH.update(self._definitions())  # as created, or as kept: this run's state

    def _create(self, name: str) -> None:
        self.client.indices.create(index=name, **self.bodies[name])
        created.add(self, name)
        _FRESH[name] = self._definitions([name])[name]

    def _recreate(self, name: str) -> None:
        self.lenient.indices.delete(index=name)
        self._create(name)

    def prepare(self) -> None:
        """Make the test indices exist, configured as created, and empty: a test case's start."""
        if not created.keep:
            self.remove_leftovers(verbosity=0)
        self.refresh_existing()
        current = self._definitions()
        for name in self.names:
            if current[name] is None:
                self._create(name)
            elif name not in _FRESH and (created.keep or created.provided):
                _FRESH[name] = current[name]  # kept by --keepdb, or the run's: taken as it is
            elif name not in _FRESH:
                self._recreate(name)  # an interrupted run's: this run's own from now on
            elif current[name] != _FRESH[name]:
                self._recreate(name)
        self._delete_documents([n for n, (count, _) in self._search_signature().items() if count])

    def refresh_existing(self) -> None:
        if self.names:
            self.lenient.indices.refresh(index=self.names, ignore_unavailable=True)

    def destroy(self, *, verbosity: int = 1, stdout: TextIO | None = None) -> None:
        """Delete these test indices, whoever created them."""
        out = stdout or sys.stdout
        for name in self.names:
            if verbosity >= 1:
                out.write(f"Destroying test index {name!r}...\n")
            self.lenient.indices.delete(index=name)
            created.discard(self, name)

    def remove_leftovers(self, *, verbosity: int = 1, stdout: TextIO | None = None) -> None:
        """Delete what interrupted runs left of these test indices under a suffix this run
        does not use (``books_test_gw1`` after a killed worker, in a serial run).

        Done once per process and connection, by the one process of a run that may (see
        :meth:`CreatedIndices.run_suffixes`). Only names made of one of these test names and
        a parallel worker's suffix (``_gw<n>``, ``_<n>``) or none are deleted, never a live
        name nor a name this run uses.
        """
        suffixes = created.run_suffixes(self.handler)
        suffix = self.handler.test_suffix
        bases = sorted({name[: len(name) - len(suffix)] for name in self.names})
        key = (self.handler, self.connection.alias, tuple(bases))
        if suffixes is None or key in created.swept:
            return
        created.swept.add(key)
        pattern = re.compile(
            "(?:" + "|".join(map(re.escape, bases)) + r")(?:_gw\d+|_\d+)?", re.ASCII
        )
        kept = set(conf.live_names(self.handler.indices))
        for index in self.handler.indices.values():
            for base in (index["TEST"]["NAME"], *index["TEST"]["ALIASES"]):
                kept.update(base + used for used in ("", *suffixes))
        found = self.client.indices.get(
            index=[f"{base}*" for base in bases], expand_wildcards="all"
        )
        out = stdout or sys.stdout
        for name in sorted(found):
            if pattern.fullmatch(name) and name not in kept:
                if verbosity >= 1:
                    out.write(f"Destroying test index {name!r} left by an interrupted run...\n")
                self.lenient.indices.delete(index=name)

    # Between tests

    def refresh(self) -> None:
        if self.names:
            self.client.indices.refresh(index=self.names)

    def capture(self, *, documents: bool = True) -> Baseline:
        """The state to return to before each test: mappings, aliases, and the documents that
        ``setUpTestData`` (or ``setUpClass``) indexed."""
        self.refresh()
        counted = self._search_signature()
        signature = counted if self.fast is None else self._signature()
        baseline = Baseline(self._definitions(), signature)
        if documents and any(count for count, _ in counted.values()):
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
        documents) unless the baseline holds documents of its own to restore. With the
        engine in this process, one request (the definitions): it tells writes apart and
        deletes documents itself.
        """
        if self.fast is None:
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
            if self.fast is not None:  # its signature counts the deletions too
                baseline.signature = self._signature()
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
        if names and self.fast is not None:
            self.fast.clear(names)
        elif names:
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

    def _signature(self) -> dict[str, Any]:
        """A value of each index that any write changes: the engine's own when it is in this
        process (writes not yet refreshed change it too), else :meth:`_search_signature`."""
        if self.fast is not None:
            return self.fast.state(self.names)
        return self._search_signature()

    def _search_signature(self) -> dict[str, tuple[int, int]]:
        """(documents, highest ``_seq_no``) of each index as searches see it after a refresh:
        any write changes one of them."""
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


class CreatedIndices:
    """The test indices this process created, deleted at the end of its run unless kept.

    One per process: a forked child starts with none of its own (what its parent created, its
    parent deletes). Each name is deleted once, through the handler it was created with, and
    checked against the live names first. An interpreter exit deletes what is still here
    (a plain unittest run after ``setup_djangoes()``), unless ``keep``.
    """

    def __init__(self) -> None:
        #: ``--keepdb`` / ``--reuse-db``: what this run creates stays, what it finds is reused.
        self.keep = False
        #: The run's controller creates and deletes the test indices (a worker of the Django
        #: runner's ``--parallel``): an existing one is the run's, and this process deletes none.
        self.provided = False
        #: The suffixes the whole run uses, when the runner knows them (its ``--parallel``).
        self.suffixes: list[str] | None = None
        #: ``(handler, alias, test names)`` whose leftovers this process already removed.
        self.swept: set[tuple[Any, str, tuple[str, ...]]] = set()
        self._pid = os.getpid()
        self._names: dict[tuple[int, str], tuple[Any, dict[str, None]]] = {}
        self._exit_hook = False

    def _own(self) -> dict[tuple[int, str], tuple[Any, dict[str, None]]]:
        if self._pid != os.getpid():  # forked: the parent's names are the parent's
            self._pid = os.getpid()
            self._names = {}
            self.swept = set()
            self._exit_hook = False
        return self._names

    def add(self, indices: TestIndices, name: str) -> None:
        key = (id(indices.handler), indices.connection.alias)
        self._own().setdefault(key, (indices.handler, {}))[1][name] = None
        if not self._exit_hook:
            atexit.register(self._at_exit, os.getpid())
            self._exit_hook = True

    def discard(self, indices: TestIndices, name: str) -> None:
        entry = self._own().get((id(indices.handler), indices.connection.alias))
        if entry is not None:
            entry[1].pop(name, None)

    def names(self, handler: Any = None) -> list[str]:
        """The test indices this process created and has not deleted (of ``handler``)."""
        return [
            name
            for owner, names in self._own().values()
            if handler is None or owner is handler
            for name in names
        ]

    def run_suffixes(self, handler: Any) -> list[str] | None:
        """The suffixes this run uses, if this process removes the other suffixes' leftovers:
        the runner's parent, pytest-xdist's first worker, a serial run; None otherwise."""
        if self.provided:
            return None
        if self.suffixes is not None:
            return self.suffixes
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker is not None:
            if worker != "gw0":
                return None
            count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 1)
            return [f"_gw{number}" for number in range(count)]
        return [handler.test_suffix]

    def destroy(
        self, handler: Any = None, *, verbosity: int = 0, stdout: TextIO | None = None
    ) -> None:
        """Delete what this process created (through ``handler``, or any), and forget it."""
        if self.provided:
            return
        out = stdout or sys.stdout
        for key, (owner, names) in list(self._own().items()):
            if handler is not None and owner is not handler:
                continue
            del self._names[key]
            live = conf.live_names(owner.indices)
            client = owner[key[1]].client.options(ignore_status=404)
            for name in names:
                if name in live:  # settings changed since: never delete a live index
                    continue
                if verbosity >= 1:
                    out.write(f"Destroying test index {name!r}...\n")
                client.indices.delete(index=name)

    def _at_exit(self, pid: int) -> None:
        if pid != os.getpid() or self.keep or not self.names():
            return
        try:
            self.destroy()
        except Exception as error:  # the server may be gone: say so, the exit goes on
            sys.stderr.write(f"djangoes: test indices not deleted at exit: {error!r}\n")


#: This process's test indices (see :class:`CreatedIndices`).
created = CreatedIndices()


@dataclass
class Baseline:
    definitions: dict[str, Any]
    signature: dict[str, Any]
    documents: list[tuple[str, str, Any, str | None]] = field(default_factory=list)


def _confirm(name: str) -> bool:
    answer = input(
        f"Type 'yes' if you would like to try deleting the test index {name!r}, or 'no' to cancel: "
    )
    return answer.strip().lower() == "yes"
