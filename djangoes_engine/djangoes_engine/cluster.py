"""The engine: a one-node cluster of indices, its aliases, its data directory and refreshes."""

from __future__ import annotations

import contextlib
import fcntl
import fnmatch
import os
import threading
import time
import uuid as uuidlib
from collections.abc import Iterable
from typing import Any, TextIO

from . import templates
from .contexts import Contexts
from .errors import (
    AliasesNotFound,
    BadRequest,
    DataDirectoryLocked,
    IllegalArgument,
    IndexNotFound,
    InvalidIndexName,
    ResourceAlreadyExists,
)
from .index import Index
from .names import (
    Options,
    Resolved,
    resolve,
    validate_index_name,
    validate_index_or_alias_name,
)
from .query import validate_filter
from .settings import DEFAULTS, Settings, expand_replicas, normalize, validate
from .store import read_json, write_json_atomic

VERSION = "9.0.0"
#: Aliases and deletions reach closed indices too (Elasticsearch's expand open and closed).
_CLOSED = {"expand_closed": True, "forbid_closed": False}
CLUSTER_NAME = "djangoes-embedded"
DEFAULT_OPTIONS = Options()
ALIAS_PROPERTIES = ("filter", "index_routing", "search_routing", "is_write_index", "is_hidden")


def _alias_result(
    kind: str, action: dict[str, Any], indices: list[str], count: int
) -> dict[str, Any]:
    """One action's entry in ``action_results``: a remove that removed nothing is a 404."""
    aliases = _names(action, "alias", "aliases")
    result: dict[str, Any] = {
        "action": {"type": kind, "indices": indices, "aliases": aliases},
        "status": 200,
    }
    if kind == "remove" and count == 0:
        error = AliasesNotFound(",".join(aliases))
        result.update(status=error.status, error=error.cause_dict())
    return result


class Cluster:
    """A one-node cluster in this process: its indices and aliases, its data directory, its
    search contexts and tasks, and the thread that refreshes its indices.

    ``path`` is a data directory that survives restarts (one process at a time), or None for a
    cluster that lives in memory. The methods below are what the API handlers call; the REST API
    itself is :class:`~djangoes_engine.engine.Engine`'s.
    """

    def __init__(self, path: str | None = None, *, refresh_thread: bool = True) -> None:
        self.path = os.path.abspath(path) if path is not None else None
        self.lock = threading.RLock()
        self.indices: dict[str, Index] = {}
        self.cluster_uuid = uuidlib.uuid4().hex[:22]
        self.started = time.time()
        self.closed = False
        self._lock_file: TextIO | None = None
        # Cluster-wide metadata by section (templates, pipelines, persistent settings), each a
        # dict of name -> body, replaced whole on change (copy on write, as ``indices``).
        self.metadata: dict[str, dict[str, Any]] = {}
        # Transient cluster settings: kept for the life of the process only, as in Elasticsearch.
        self.transient_settings: dict[str, Any] = {}
        if self.path is not None:
            self._lock_directory(self.path)
            self._load(self.path)
        self.contexts = Contexts()
        self._tasks: dict[str, dict[str, Any]] = {}
        self._stop = threading.Event()
        self._refresher: threading.Thread | None = None
        if refresh_thread:
            self._refresher = threading.Thread(
                target=self._refresh_loop, name="djangoes-embedded-refresh", daemon=True
            )
            self._refresher.start()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path or 'in memory'}>"

    # Data directory

    def _lock_directory(self, path: str) -> None:
        os.makedirs(os.path.join(path, "indices"), exist_ok=True)
        lock_path = os.path.join(path, "node.lock")
        handle = open(lock_path, "a+")  # noqa: SIM115 (held for the engine's life)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise DataDirectoryLocked(
                f"data directory [{path}] is in use by {holder}; one process at a time can "
                "open it (serve it with `djangoes-embedded serve --data` to share it)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}")
        handle.flush()
        self._lock_file = handle

    @staticmethod
    def _state_path(path: str) -> str:
        return os.path.join(path, "state.json")

    def _load(self, path: str) -> None:
        if not os.path.exists(self._state_path(path)):
            return
        state = read_json(self._state_path(path))
        self.cluster_uuid = state.get("cluster_uuid", self.cluster_uuid)
        self.metadata = state.get("metadata", {})
        for name, meta in state.get("indices", {}).items():
            self.indices[name] = self._open_index(name, meta)

    def _open_index(self, name: str, meta: dict[str, Any]) -> Index:
        directory = (
            os.path.join(self.path, "indices", meta["uuid"]) if self.path is not None else None
        )
        return Index(
            name=name,
            uuid=meta["uuid"],
            settings=Settings(meta["settings"]),
            mappings=meta.get("mappings"),
            aliases=meta.get("aliases"),
            directory=directory,
            creation_date=meta.get("creation_date"),
            on_change=self._index_changed,
            state=meta.get("state", "open"),
        )

    def persist(self) -> None:
        """Write the cluster metadata (indices, settings, mappings, aliases) to disk."""
        if self.path is None:
            return
        with self.lock:
            state = {
                "cluster_uuid": self.cluster_uuid,
                "indices": {name: index.metadata() for name, index in self.indices.items()},
                "metadata": self.metadata,
            }
            write_json_atomic(self._state_path(self.path), state)

    def _index_changed(self, index: Index) -> None:
        if self.indices.get(index.name) is index:
            self.persist()

    # Indices

    def create_index(self, name: str, body: dict[str, Any] | None = None) -> Index:
        body = body or {}
        if not isinstance(body, dict):
            raise BadRequest("request body is required", type="parse_exception")
        unknown = set(body) - {"settings", "mappings", "aliases"}
        if unknown:
            field = sorted(unknown)[0]
            raise BadRequest(f"unknown key [{field}] for create index", type="parse_exception")
        validate_index_name(name)
        settings = normalize(body.get("settings"))
        validate(settings, creating=True)
        with self.lock:
            hidden = name.startswith(".") or str(settings.get("index.hidden")).lower() == "true"
            templated, _ = templates.for_index(name, self.metadata, hidden=hidden)
            settings = {**templated["settings"], **settings}
            mappings = templates.merge_mappings(templated["mappings"], body.get("mappings") or {})
            requested_aliases = {
                alias.replace("{index}", name): properties
                for alias, properties in {
                    **templated["aliases"],
                    **(body.get("aliases") or {}),
                }.items()
            }
            if name in self.indices:
                existing = self.indices[name]
                raise ResourceAlreadyExists(
                    f"index [{name}/{existing.uuid}] already exists",
                    index=name,
                    index_uuid=existing.uuid,
                )
            if name in self.alias_map():
                raise InvalidIndexName(name, "already exists as alias")
            aliases = {a: self._alias_properties(a, p) for a, p in requested_aliases.items()}
            for alias in aliases:
                self._check_alias_name(alias, name)
            uuid = uuidlib.uuid4().hex[:22]
            now = int(time.time() * 1000)
            flat = {
                **settings,
                "index.uuid": uuid,
                "index.creation_date": str(now),
                "index.provided_name": name,
                "index.version.created": "9000099",
            }
            for key in ("index.number_of_shards", "index.number_of_replicas"):
                flat.setdefault(key, DEFAULTS[key])
            expand_replicas(flat)
            directory = os.path.join(self.path, "indices", uuid) if self.path else None
            index = Index(
                name=name,
                uuid=uuid,
                settings=Settings(flat),
                mappings=mappings or None,
                aliases=aliases,
                directory=directory,
                creation_date=now,
                on_change=self._index_changed,
            )
            # Copy on write: requests read ``indices`` without the lock, and iterating a dict
            # that another thread changes fails.
            before, self.indices = self.indices, {**self.indices, name: index}
            try:
                index.mapping.check_limits(index.limits)
                self._check_write_aliases(aliases)
                self.persist()
            except BaseException:  # not created after all, not even on disk
                self.indices = before
                index.destroy()
                raise
            return index

    def delete_index(self, name: str) -> None:
        with self.lock:
            indices = dict(self.indices)
            index = indices.pop(name)
            self.indices = indices  # copy on write, as in create_index
            self.persist()
        index.destroy()
        self.contexts.forget_index(index)

    def index(self, name: str) -> Index:
        """The index with exactly this name."""
        try:
            return self.indices[name]
        except KeyError:
            raise IndexNotFound(name) from None

    def hidden(self) -> set[str]:
        return {
            n
            for n, i in self.indices.items()
            if n.startswith(".") or str(i.settings.get("index.hidden")).lower() == "true"
        }

    def resolve(
        self, expression: str | Iterable[str] | None, options: Options = DEFAULT_OPTIONS
    ) -> list[Resolved]:
        return resolve(
            expression,
            self.indices,
            self.alias_map(),
            options,
            hidden=self.hidden(),
            closed={n for n, i in self.indices.items() if i.state == "close"},
        )

    def resolve_indices(
        self, expression: str | Iterable[str] | None, options: Options = DEFAULT_OPTIONS
    ) -> list[Index]:
        indices = self.indices
        return [indices[r.name] for r in self.resolve(expression, options) if r.name in indices]

    def write_index(
        self, name: str, *, require_alias: bool = False, auto_create: bool = True
    ) -> Index:
        """The index a write to ``name`` goes to: the index, an alias's write index, or new."""
        index = self.indices.get(name)
        if index is not None:
            if require_alias:
                raise _require_alias(name)
            return index
        holders = [i for i in self.indices.values() if name in i.aliases]
        if holders:
            return self._alias_write_index(name, holders)
        if require_alias:
            raise _require_alias(name)
        if not auto_create:
            raise IndexNotFound(name)
        if not self.auto_create_allowed(name):
            error = IndexNotFound(name)
            value = self.setting("action.auto_create_index", "true")
            error.reason = f"no such index [{name}] and [action.auto_create_index] " + (
                "is [false]" if value.lower() == "false" else f"([{value}]) doesn't match"
            )
            raise error
        with self.lock:
            if name in self.indices:
                return self.indices[name]
            return self.create_index(name)

    def _alias_write_index(self, alias: str, holders: list[Index]) -> Index:
        flagged = [i for i in holders if i.aliases[alias].get("is_write_index") is True]
        if flagged:
            return flagged[0]
        if len(holders) == 1 and holders[0].aliases[alias].get("is_write_index") is not False:
            return holders[0]
        raise IllegalArgument(
            f"no write index is defined for alias [{alias}]. The write index may be explicitly "
            "disabled using is_write_index=false or the alias points to multiple indices "
            "without one being designated as a write index"
        )

    # Aliases

    def alias_map(self) -> dict[str, list[str]]:
        aliases: dict[str, list[str]] = {}
        for name, index in self.indices.items():
            for alias in index.aliases:
                aliases.setdefault(alias, []).append(name)
        return aliases

    def _alias_properties(self, alias: str, properties: dict[str, Any] | None) -> dict[str, Any]:
        properties = dict(properties or {})
        unknown = set(properties) - {*ALIAS_PROPERTIES, "routing"}
        if unknown:
            raise BadRequest(
                f"[alias] unknown field [{sorted(unknown)[0]}]", type="x_content_parse_exception"
            )
        if "routing" in properties:
            routing = str(properties.pop("routing"))
            properties.setdefault("index_routing", routing)
            properties.setdefault("search_routing", routing)
        for key in ("index_routing", "search_routing"):
            if key in properties:
                properties[key] = str(properties[key])
        if properties.get("filter") is not None:
            validate_filter(properties["filter"])
        return properties

    def _check_alias_name(self, alias: str, index_name: str, removed: Iterable[str] = ()) -> None:
        if (alias in self.indices and alias not in removed) or alias == index_name:
            raise BadRequest(
                f"Invalid alias name [{alias}]: an index or data stream exists with the same name "
                "as the alias",
                type="invalid_alias_name_exception",
            )
        try:
            validate_index_or_alias_name(alias)  # aliases may have capitals, indices may not
        except InvalidIndexName as error:
            why = error.reason[len(f"Invalid index name [{alias}], ") :]
            raise BadRequest(
                f"Invalid alias name [{alias}]: {why}", type="invalid_alias_name_exception"
            ) from None

    def _check_write_aliases(self, aliases: Iterable[str]) -> None:
        for alias in aliases:
            writers = [
                n
                for n, i in self.indices.items()
                if i.aliases.get(alias, {}).get("is_write_index") is True
            ]
            if len(writers) > 1:
                raise IllegalArgument(
                    f"alias [{alias}] has more than one write index [{','.join(sorted(writers))}]"
                )

    def update_aliases(self, actions: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
        """Apply alias actions atomically: all of them, or none if one fails.

        Returns each action's result as Elasticsearch reports it: a ``remove`` that removed
        nothing is an error of its own (the others still apply); when no action did anything,
        the whole request fails with ``aliases_not_found_exception``.
        """
        with self.lock:
            staged = {name: dict(index.aliases) for name, index in self.indices.items()}
            removed_indices: list[str] = []
            results: list[dict[str, Any]] = []
            done = 0
            # Indices are removed first, as Elasticsearch does, so that an alias may take the
            # name of an index removed in the same request (turning an index into an alias).
            for kind, action in sorted(actions, key=lambda item: item[0] != "remove_index"):
                indices, count = self._stage(kind, action, staged, removed_indices)
                # must_exist false: removing nothing is fine (OpenSearch's rule; Elasticsearch
                # treats it as the default).
                silent = kind == "remove" and action.get("must_exist") is False
                done += count or silent
                results.append(_alias_result(kind, action, indices, count or silent))
            if not done:
                raise AliasesNotFound(
                    ",".join(a for _, action in actions for a in _names(action, "alias", "aliases"))
                )
            self._check_staged_write_indices(staged)
            for name, aliases in staged.items():
                if name in self.indices:
                    self.indices[name].aliases = aliases
            for name in removed_indices:
                if name in self.indices:
                    self.delete_index(name)
            self.persist()
            return results

    def _stage(
        self, kind: str, action: dict[str, Any], staged: dict[str, dict], removed_indices: list[str]
    ) -> tuple[list[str], int]:
        """Stage one action: the concrete indices it named, and how many changes it made."""
        index_names = _names(action, "index", "indices")
        if kind == "remove_index":
            names = self._concrete(
                index_names, Options(ignore_unavailable=False, allow_no_indices=False, **_CLOSED)
            )
            removed_indices.extend(names)
            return names, len(names)
        alias_names = _names(action, "alias", "aliases")
        if "aliases" in action and not alias_names:
            raise BadRequest("[aliases] can't be empty", type="x_content_parse_exception")
        if not index_names:
            raise BadRequest(
                "Validation Failed: 1: One of [index] or [indices] is required;",
                type="action_request_validation_exception",
            )
        if not alias_names:
            raise BadRequest(
                "Validation Failed: 1: One of [alias] or [aliases] is required;",
                type="action_request_validation_exception",
            )
        targets = self._concrete(index_names, Options(allow_no_indices=False, **_CLOSED))
        if kind == "add":
            properties = {
                k: v
                for k, v in action.items()
                if k not in ("index", "indices", "alias", "aliases", "must_exist")
            }
            properties = self._alias_properties(alias_names[0], properties)
            for name in targets:
                for alias in alias_names:
                    self._check_alias_name(alias, name, removed_indices)
                    staged[name][alias] = properties
            return targets, len(targets) * len(alias_names)
        if kind == "remove":
            return targets, self._stage_remove(
                alias_names, targets, action.get("must_exist"), staged
            )
        raise BadRequest(f"[aliases] unknown field [{kind}]", type="x_content_parse_exception")

    def _stage_remove(
        self, alias_names: list[str], targets: list[str], must_exist: Any, staged: dict[str, dict]
    ) -> int:
        """Remove the aliases matching ``alias_names``; with ``must_exist``, each must match."""
        removed = 0
        for name in targets:
            matching = [a for a in staged[name] if any(_matches(p, a) for p in alias_names)]
            if not matching and must_exist is True:
                raise AliasesNotFound(",".join(alias_names))
            for alias in matching:
                del staged[name][alias]
            removed += len(matching)
        return removed

    def _check_staged_write_indices(self, staged: dict[str, dict]) -> None:
        writers: dict[str, list[str]] = {}
        for name, aliases in staged.items():
            for alias, properties in aliases.items():
                if properties.get("is_write_index") is True:
                    writers.setdefault(alias, []).append(name)
        for alias, names in writers.items():
            if len(names) > 1:
                raise IllegalArgument(
                    f"alias [{alias}] has more than one write index [{','.join(sorted(names))}]"
                )

    def _concrete(self, names: list[str], options: Options) -> list[str]:
        return [r.name for r in self.resolve(names, options)]

    # Cluster metadata

    def stored(self, section: str) -> dict[str, Any]:
        """The named entries of a metadata section (do not change the dict: replace it)."""
        return self.metadata.get(section, {})

    def store(self, section: str, name: str, value: Any) -> None:
        """Set (or, with None, remove) one entry of a metadata section, durably."""
        with self.lock:
            entries = {**self.stored(section), name: value}
            if value is None:
                del entries[name]
            self.metadata = {**self.metadata, section: entries}
            self.persist()

    def store_all(self, section: str, entries: dict[str, Any]) -> None:
        """Replace a whole metadata section, durably."""
        with self.lock:
            self.metadata = {**self.metadata, section: dict(entries)}
            self.persist()

    def setting(self, name: str, default: str) -> str:
        """A cluster setting's value: transient, else persistent, else the default."""
        persistent = self.stored("persistent_settings")
        return str(self.transient_settings.get(name, persistent.get(name, default)))

    def auto_create_allowed(self, name: str) -> bool:
        """``action.auto_create_index``: true, false, or ``+pattern,-pattern`` (first match)."""
        value = self.setting("action.auto_create_index", "true").strip()
        if value.lower() in ("true", "false"):
            return value.lower() == "true"
        for pattern in (p.strip() for p in value.split(",") if p.strip()):
            allow = not pattern.startswith("-")
            if fnmatch.fnmatchcase(name, pattern.lstrip("+-")):
                return allow
        return False

    # Tasks

    def tasks_add(self, response: dict[str, Any]) -> str:
        """Record a finished background request (``wait_for_completion=false``)."""
        with self.lock:
            task_id = f"embedded:{len(self._tasks) + 1}"
            self._tasks[task_id] = {
                "completed": True,
                "task": {
                    "node": "embedded",
                    "id": len(self._tasks) + 1,
                    "type": "transport",
                    "action": "indices:data/write/by_query",
                    "status": {},
                    "description": "",
                    "start_time_in_millis": int(time.time() * 1000),
                    "running_time_in_nanos": 0,
                    "cancellable": True,
                    "cancelled": False,
                },
                "response": response,
            }
            return task_id

    def tasks_get(self, task_id: str) -> dict[str, Any] | None:
        return self._tasks.get(task_id)

    # Lifecycle

    def _refresh_loop(self) -> None:
        while not self._stop.wait(0.05):
            now = time.monotonic()
            for index in list(self.indices.values()):
                if index.due_for_refresh(now):
                    with contextlib.suppress(Exception):  # deleted meanwhile: next tick
                        index.refresh()
            self.contexts.expire()

    def close(self) -> None:
        """Stop refreshing, make every index durable, and release the data directory."""
        with self.lock:
            if self.closed:
                return
            self.closed = True
            self._stop.set()
            for index in self.indices.values():
                index.close()
            if self._lock_file is not None:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)
                self._lock_file.close()
                self._lock_file = None
        if self._refresher is not None and self._refresher is not threading.current_thread():
            self._refresher.join(timeout=5)


def _names(action: dict[str, Any], single: str, plural: str) -> list[str]:
    """The names an alias action gives, singly, as a list, or comma-separated."""
    names: list[str] = []
    for key in (single, plural):
        value = action.get(key)
        if value is not None:
            for item in value if isinstance(value, list) else [value]:
                names.extend(part for part in str(item).split(",") if part)
    return names


def _matches(pattern: str, name: str) -> bool:
    return pattern in ("_all", "*") or fnmatch.fnmatchcase(name, pattern)


def _require_alias(name: str) -> IndexNotFound:
    error = IndexNotFound(name)
    error.reason = (
        f"no such index [{name}] and [require_alias] request flag is [true] and [{name}] is not "
        "an alias"
    )
    return error
