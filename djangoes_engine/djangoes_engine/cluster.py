"""The engine: a one-node cluster of indices, its aliases, its data directory and refreshes."""

from __future__ import annotations

import contextlib
import fcntl
import fnmatch
import itertools
import os
import threading
import time
import uuid as uuidlib
from collections.abc import Iterable
from typing import Any, TextIO

from . import datastreams, templates
from .contexts import Contexts
from .errors import (
    AliasesNotFound,
    BadRequest,
    DataDirectoryLocked,
    EngineError,
    IllegalArgument,
    IndexNotFound,
    InvalidIndexName,
    NotFound,
    ResourceAlreadyExists,
    Unsupported,
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
#: The longest the refresh thread sleeps (see :meth:`Cluster.until_refresh_due`), in seconds.
REFRESH_POLL = 0.05
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
        self._task_ids = itertools.count(1)
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

    def create_index(
        self, name: str, body: dict[str, Any] | None = None, *, data_stream: str | None = None
    ) -> Index:
        """Create an index, shaped by the templates that match its name; a data stream's backing
        index (``data_stream`` given) takes the data stream's template instead, hidden."""
        body = body or {}
        if not isinstance(body, dict):
            raise BadRequest("request body is required", type="parse_exception")
        unknown = set(body) - {"settings", "mappings", "aliases"}
        if unknown:
            field = sorted(unknown)[0]
            raise BadRequest(f"unknown key [{field}] for create index", type="parse_exception")
        for key in ("mappings", "aliases"):
            if body.get(key) is not None and not isinstance(body[key], dict):
                raise BadRequest(f"key [{key}] must be an object", type="parse_exception")
        validate_index_name(name)
        settings = normalize(body.get("settings"))
        validate(settings, creating=True)
        with self.lock:
            if data_stream is not None:
                settings = {**settings, **normalize({"index.hidden": True})}
            hidden = name.startswith(".") or str(settings.get("index.hidden")).lower() == "true"
            templated, stream_template = self._templated(name, hidden, data_stream)
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
            if stream_template is not None:
                raise IllegalArgument(
                    f"cannot create index with name [{name}], because it matches with template "
                    f"[{stream_template}] that creates data streams only, use create data stream "
                    "api instead"
                )
            if name in self.data_streams():
                raise _duplicates(f"data stream [{name}] conflicts with index")
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

    def _templated(
        self, name: str, hidden: bool, data_stream: str | None
    ) -> tuple[dict[str, Any], str | None]:
        """What the templates give a new index, and the name of the composable template that
        matched it if that one creates data streams only (a plain index may not take it)."""
        if data_stream is not None:
            _, template = datastreams.template_for(data_stream, self.metadata)
            part = templates.resolve_composable(
                template, self.metadata.get(templates.COMPONENT, {})
            )
            part["mappings"] = datastreams.backing_mappings(part["mappings"])
            return part, None
        part, _ = templates.for_index(name, self.metadata, hidden=hidden)
        chosen = templates.composable_for(
            name, self.metadata.get(templates.COMPOSABLE, {}), hidden=hidden
        )
        if chosen is not None and chosen[1].get("data_stream") is not None:
            return part, chosen[0]
        return part, None

    def delete_index(self, name: str) -> None:
        """Delete an index; a backing index of a data stream leaves it (never its write index:
        :meth:`check_deletable` says so first)."""
        with self.lock:
            indices = dict(self.indices)
            index = indices.pop(name)
            self.indices = indices  # copy on write, as in create_index
            parent = self.data_stream_of(name)
            if parent is not None:
                stream = self.data_streams()[parent]
                self._store_stream(parent, datastreams.without(stream, name), persist=False)
            self.persist()
        index.destroy()
        self.contexts.forget_index(index)

    def is_write_index_of_data_stream(self, name: str) -> bool:
        parent = self.data_stream_of(name)
        return parent is not None and datastreams.write_index(self.data_streams()[parent]) == name

    def check_deletable(self, names: Iterable[str]) -> None:
        """Elasticsearch's refusal to delete the write index of a data stream."""
        for name in names:
            if self.is_write_index_of_data_stream(name):
                parent = self.data_stream_of(name)
                raise IllegalArgument(
                    f"index [{name}] is the write index for data stream [{parent}] and cannot be "
                    "deleted"
                )

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
        if type(expression) is str:
            named = self.indices.get(expression)
            if named is not None and named.state != "close":
                # An open index named outright (most requests): what resolve() answers, without
                # the sets of hidden and closed indices, aliases and data streams it builds. No
                # alias or data stream has an index's name, and an index name has no wildcard.
                return [Resolved(expression)]
        streams = self.data_streams()
        return resolve(
            expression,
            self.indices,
            self.alias_map(),
            options,
            hidden=self.hidden(),
            closed={n for n, i in self.indices.items() if i.state == "close"},
            streams={n: s["indices"] for n, s in streams.items()},
            hidden_streams={n for n, s in streams.items() if s.get("hidden")},
        )

    def resolve_indices(
        self, expression: str | Iterable[str] | None, options: Options = DEFAULT_OPTIONS
    ) -> list[Index]:
        indices = self.indices
        return [indices[r.name] for r in self.resolve(expression, options) if r.name in indices]

    def write_index(
        self,
        name: str,
        *,
        require_alias: bool = False,
        auto_create: bool = True,
        op_type: str = "index",
        cas: bool = False,
        routing: str | None = None,
        require_data_stream: bool = False,
    ) -> Index:
        """The index a write to ``name`` goes to: the index, an alias's write index, a data
        stream's write index, or new (a data stream, if a data stream template matches).

        ``op_type`` is the write's (``index``, ``create``, ``update`` or ``delete``) and ``cas``
        whether it names ``if_seq_no``/``if_primary_term``: data streams take only creates,
        and their backing indices only what is not an append, as in Elasticsearch.
        """
        index = self.indices.get(name)
        if index is not None:
            if require_alias:
                raise _require_alias(name)
            if require_data_stream:
                raise _not_a_data_stream(name)
            parent = self.data_stream_of(name)
            if parent is not None:
                _check_backing_write(parent, op_type, cas)
            return index
        stream = self.data_streams().get(name)
        if stream is not None:
            if require_alias:
                raise _require_alias(name)
            if op_type != "create":
                raise IllegalArgument(
                    "only write ops with an op_type of create are allowed in data streams"
                )
            if routing is not None and not stream.get("allow_custom_routing"):
                raise IllegalArgument(
                    f"index request targeting data stream [{name}] specifies a custom routing "
                    "but the [allow_custom_routing] setting was not enabled in the data stream's "
                    "template."
                )
            return self.indices[datastreams.write_index(stream)]
        holders = [i for i in self.indices.values() if name in i.aliases]
        if holders:
            if require_data_stream:
                raise _not_a_data_stream(name)
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
            if name not in self.indices and name not in self.data_streams():
                found = datastreams.matching_template(name, self.metadata)
                if found is not None and found[1].get("data_stream") is not None:
                    self.create_data_stream(name)
                elif require_data_stream:
                    error = IndexNotFound(name)
                    error.reason = (
                        f"no such index [{name}] and the index creation request requires a data "
                        "stream, but no matching index template with data stream template was "
                        "found for it"
                    )
                    raise error
                else:
                    return self.create_index(name)
        return self.write_index(
            name,
            op_type=op_type,
            cas=cas,
            routing=routing,
            require_data_stream=require_data_stream,
            auto_create=False,
        )

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
        if any(name in self.data_streams() for name in index_names):
            raise Unsupported("aliases on data streams")
        if kind == "remove_index":
            names = self._concrete(
                index_names,
                Options(
                    ignore_unavailable=False,
                    allow_no_indices=False,
                    include_data_streams=False,
                    **_CLOSED,
                ),
            )
            self.check_deletable(names)
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
        targets = self._concrete(
            index_names, Options(allow_no_indices=False, include_data_streams=False, **_CLOSED)
        )
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

    # Data streams

    def data_streams(self) -> dict[str, dict[str, Any]]:
        """The data streams by name (do not change the dict: see :meth:`_store_stream`)."""
        return self.stored(datastreams.SECTION)

    def data_stream_of(self, index: str) -> str | None:
        """The data stream an index backs, if any."""
        for name, stream in self.data_streams().items():
            if index in stream["indices"]:
                return name
        return None

    def _store_stream(
        self, name: str, stream: dict[str, Any] | None, *, persist: bool = True
    ) -> None:
        entries = {**self.data_streams(), name: stream}
        if stream is None:
            del entries[name]
        self.metadata = {**self.metadata, datastreams.SECTION: entries}
        if persist:
            self.persist()

    def create_data_stream(self, name: str) -> dict[str, Any]:
        """Create a data stream and its first backing index, as Elasticsearch's
        MetadataCreateDataStreamService does (its checks in its order)."""
        with self.lock:
            if name in self.data_streams():
                raise ResourceAlreadyExists(f"data_stream [{name}] already exists")
            datastreams.validate_name(name)
            _, template = datastreams.template_for(name, self.metadata)
            part = templates.resolve_composable(
                template, self.metadata.get(templates.COMPONENT, {})
            )
            if part["aliases"]:
                raise Unsupported("aliases in the index template of a data stream")
            if name in self.indices:
                raise _duplicates(f"data stream [{name}] conflicts with index")
            holders = self.alias_map().get(name)
            if holders:
                index = self.indices[holders[0]]
                raise _duplicates(
                    f"{name} (alias of [{index.name}/{index.uuid}]) conflicts with data stream"
                )
            backing = datastreams.backing_index_name(name, 1)
            if backing in self.indices:
                raise _backing_exists(backing, self.indices[backing].uuid)
            self.create_index(backing, data_stream=name)
            stream = datastreams.new(name, template, backing)
            self._store_stream(name, stream)
            return stream

    def delete_data_stream(self, name: str) -> None:
        """Remove a data stream and delete its backing indices."""
        with self.lock:
            stream = self.data_streams()[name]
            self._store_stream(name, None, persist=False)
            for index in stream["indices"]:
                if index in self.indices:
                    self.delete_index(index)
            self.persist()

    def roll_over_data_stream(self, name: str, *, dry_run: bool = False) -> tuple[str, str]:
        """``(old write index, new write index)``; the new one is created unless ``dry_run``."""
        with self.lock:
            stream = self.data_streams()[name]
            taken = {*self.indices, *self.alias_map(), *self.data_streams()}
            new_index, generation = datastreams.next_generation(stream, taken)
            old_index = datastreams.write_index(stream)
            if not dry_run:
                self.create_index(new_index, data_stream=name)
                self._store_stream(name, datastreams.rolled_over(stream, new_index, generation))
            return old_index, new_index

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

    def next_task_id(self) -> int:
        """A task number, unique in this node's life (requests listed as tasks take one)."""
        with self.lock:
            return next(self._task_ids)

    def tasks_add(self, response: dict[str, Any]) -> str:
        """Record a finished background request (``wait_for_completion=false``)."""
        with self.lock:
            number = self.next_task_id()
            task_id = f"embedded:{number}"
            self._tasks[task_id] = {
                "completed": True,
                "task": {
                    "node": "embedded",
                    "id": number,
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
        wait = REFRESH_POLL
        while not self._stop.wait(wait):
            now = time.monotonic()
            for index in list(self.indices.values()):
                if index.due_for_refresh(now):
                    with contextlib.suppress(Exception):  # deleted meanwhile: next tick
                        index.refresh()
            self.contexts.expire()
            wait = self.until_refresh_due(time.monotonic())

    def until_refresh_due(self, now: float) -> float:
        """Seconds the refresh thread sleeps: until the next index's schedule comes round, so
        that a write in a new index's first interval is searchable when that interval ends (a
        client that waits out ``refresh_interval`` finds it, as on Elasticsearch), and at most
        :data:`REFRESH_POLL`, within which a write to an index idle for longer is searchable."""
        wait = REFRESH_POLL
        for index in list(self.indices.values()):
            due = index.refresh_due()
            if due is not None and now < due < now + wait:
                wait = due - now
        return wait

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


def _not_a_data_stream(name: str) -> NotFound:
    return NotFound(
        f"[require_data_stream] request flag is [true] and [{name}] is not a data stream"
    )


def _check_backing_write(stream: str, op_type: str, cas: bool) -> None:
    """Elasticsearch's refusal of appends that name a backing index instead of its stream."""
    if op_type == "create":
        raise IllegalArgument(
            "index request with op_type=create targeting backing indices is disallowed, target "
            f"corresponding data stream [{stream}] instead"
        )
    if op_type == "index" and not cas:
        raise IllegalArgument(
            "index request with op_type=index and no if_primary_term and if_seq_no set targeting "
            f"backing indices is disallowed, target corresponding data stream [{stream}] instead"
        )


def _duplicates(what: str) -> EngineError:
    """Elasticsearch's check that index, alias and data stream names differ (a 500: its
    metadata refuses to be built)."""
    return EngineError(
        "index, alias, and data stream names need to be unique, but the following duplicates "
        f"were found [{what}]",
        status=500,
        type="illegal_state_exception",
    )


def _index_exists(name: str, uuid: str) -> ResourceAlreadyExists:
    return ResourceAlreadyExists(
        f"index [{name}/{uuid}] already exists", index=name, index_uuid=uuid
    )


def _backing_exists(name: str, uuid: str) -> EngineError:
    error = EngineError(
        f"data stream could not be created because backing index [{name}] already exists",
        status=400,
        type="status_exception",
        caused_by=_index_exists(name, uuid),
    )
    error.cause_is_root = True
    return error
