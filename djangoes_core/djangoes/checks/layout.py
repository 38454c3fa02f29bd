"""``manage.py check``: what no single entry of the settings shows, but the entries together do.

Every entry of ``ES_SERVERS`` and ``ES_INDICES`` can be valid and the whole still break at run
time: two entries with one ``NAME`` on one server (one acts on the other's index), an alias
djangoes writes through held by two indices (every write fails: "no write index is defined for
alias"), an alias that is another index's name. Names only meet on one server: connections
that share a host (or an embedded engine) reach one server, and every index one of them
serves is checked against the others.

Reading the settings does not refuse these: a project that ran with them keeps running, and
``check`` says what is wrong. What only the server can show is ``manage.py es_check``'s.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from .. import conf

#: The djangoes settings a project may have; a name close to one of these is probably it.
KNOWN_SETTINGS = ("ES_SERVERS", "ES_INDICES", *conf.REBUILD_DEFAULTS)


class Finding(NamedTuple):
    code: str
    message: str


class Name(NamedTuple):
    """A name an index holds on its server: its NAME, or one of its aliases."""

    key: str
    name: str
    place: str
    #: djangoes writes through it: the NAME, or an alias of ``ALIASES``.
    written: bool
    #: For an alias, its ``is_write_index``, if set.
    write_index: bool | None = None


def layout_problems(
    servers: Mapping[str, dict[str, Any]],
    indices: Mapping[str, dict[str, Any]],
    raw_servers: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """The mistakes of valid settings (as :mod:`djangoes.conf` completes them, ``TEST`` filled
    in), taken together."""
    found = [*_repeats(servers, indices), *_served(servers, indices)]
    for alias, server in (raw_servers or {}).items():
        if isinstance(server, Mapping) and server.get("ENGINE") == "embedded" and "HOSTS" in server:
            found.append(
                Finding(
                    "W011",
                    f"{conf.where('ES_SERVERS', alias, 'HOSTS')} is ignored: the embedded engine "
                    "runs in this process",
                )
            )
    found += _names(indices)
    reported: set[frozenset[str]] = set()
    for group in server_groups(servers):
        on = _on(group)
        live = _served_by(servers, group, test=False)
        for finding, keys in _collisions(indices, live, on, test=False):
            found.append(finding)
            reported.add(keys)
        for finding, keys in _collisions(indices, _served_by(servers, group, test=True), on, True):
            if keys not in reported:  # the live names' collision, with _test appended
                found.append(finding)
                reported.add(keys)
    return list(dict.fromkeys(found))


def settings_names(names: list[str]) -> Iterator[Finding]:
    """Django settings that look like a misspelt djangoes setting (``ES_SERVER``,
    ``ES_REBUILD_TIMEOUT``): djangoes never reads them."""
    for name in names:
        if name in KNOWN_SETTINGS or not name.startswith("ES_"):
            continue
        close = difflib.get_close_matches(name, KNOWN_SETTINGS, n=1, cutoff=0.8)
        if name.startswith("ES_REBUILD_") or close:
            guess = f"; did you mean {close[0]}?" if close else ""
            yield Finding("W010", f"The setting {name} is not one djangoes reads{guess}")


# Servers


def server_keys(server: Mapping[str, Any]) -> set[str]:
    """What identifies the server of a connection: its hosts, or its embedded engine."""
    if server.get("ENGINE") == "embedded":
        params = server.get("PARAMS") or {}
        if params.get("path"):
            return {f"embedded:{os.path.realpath(params['path'])}"}
        return {f"embedded::memory:{params.get('name') or 'default'}"}
    return {_host_key(host) for host in server.get("HOSTS") or []}


def _host_key(host: Any) -> str:
    if isinstance(host, Mapping):
        prefix = (host.get("path_prefix") or "").rstrip("/")
        return f"{host['scheme']}://{str(host['host']).lower()}:{host['port']}{prefix}"
    parts = urlsplit(host)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{parts.port}{parts.path}"


def server_groups(servers: Mapping[str, dict[str, Any]]) -> list[list[str]]:
    """The connection aliases that reach one server: those sharing a host, transitively."""
    groups: list[tuple[set[str], list[str]]] = []
    for alias, server in servers.items():
        keys, aliases = server_keys(server), [alias]
        rest = []
        for group_keys, group_aliases in groups:
            if group_keys & keys:
                keys, aliases = keys | group_keys, [*group_aliases, *aliases]
            else:
                rest.append((group_keys, group_aliases))
        groups = [*rest, (keys, aliases)]
    return sorted((aliases for _, aliases in groups), key=lambda a: list(servers).index(a[0]))


def _on(group: list[str]) -> str:
    if len(group) == 1:
        return f"ES_SERVERS[{group[0]!r}]"
    return " and ".join(f"ES_SERVERS[{alias!r}]" for alias in group) + " (one server)"


def _served_by(servers: Mapping[str, dict[str, Any]], group: list[str], test: bool) -> list[str]:
    keys: list[str] = []
    for alias in group:
        server = servers[alias]
        test_indices = server.get("TEST", {}).get("INDICES")
        keys += test_indices if test and test_indices is not None else server["INDICES"]
    return list(dict.fromkeys(keys))


def _repeats(
    servers: Mapping[str, dict[str, Any]], indices: Mapping[str, dict[str, Any]]
) -> Iterator[Finding]:
    lists: list[tuple[str, list[Any]]] = []
    for alias, server in servers.items():
        lists.append((conf.where("ES_SERVERS", alias, "INDICES"), server["INDICES"]))
        if server.get("TEST", {}).get("INDICES") is not None:
            place = conf.where("ES_SERVERS", alias, "TEST", "INDICES")
            lists.append((place, server["TEST"]["INDICES"]))
    for key, index in indices.items():
        lists.append((conf.where("ES_INDICES", key, "ALIASES"), index["ALIASES"]))
        lists.append((conf.where("ES_INDICES", key, "TEST", "ALIASES"), index["TEST"]["ALIASES"]))
    for place, items in lists:
        seen = set()
        for item in items:
            if item in seen:
                yield Finding("W005", f"{place} lists {item!r} twice")
                break
            seen.add(item)


def _served(
    servers: Mapping[str, dict[str, Any]], indices: Mapping[str, dict[str, Any]]
) -> Iterator[Finding]:
    for alias, server in servers.items():
        test_indices = server.get("TEST", {}).get("INDICES")
        left_out = [key for key in server["INDICES"] if key not in (test_indices or [])]
        if test_indices is not None and left_out:
            yield Finding(
                "W006",
                f"{conf.where('ES_SERVERS', alias, 'TEST', 'INDICES')} leaves out "
                f"{', '.join(map(repr, left_out))}, which INDICES serves: during tests the "
                "connection cannot reach it",
            )
    served = {
        key
        for server in servers.values()
        for key in [*server["INDICES"], *(server.get("TEST", {}).get("INDICES") or [])]
    }
    if not served:
        return  # the project does not use INDICES at all: nothing was forgotten
    for key in indices:
        if key not in served:
            yield Finding(
                "W004",
                f"ES_INDICES[{key!r}] is served by no connection: no ES_SERVERS entry lists it "
                "in INDICES (or TEST['INDICES']), so no command or test run sees it",
            )


# Indices


def _names(indices: Mapping[str, dict[str, Any]]) -> Iterator[Finding]:
    from ..rebuild import names

    for key, index in indices.items():
        name = index["NAME"]
        place = conf.where("ES_INDICES", key, "NAME")
        if name.startswith("."):
            yield Finding(
                "W008",
                f"{place} is {name!r}: Elasticsearch reserves names starting with '.' for "
                "hidden and system indices",
            )
        longest = names.journal(names.versioned(name, lambda n: False, datetime.now(UTC)))
        if len(longest.encode()) > conf.MAX_NAME_BYTES:
            yield Finding(
                "W009",
                f"{place} is {len(name.encode())} bytes long: a rebuild's journal index "
                f"({len(longest.encode())} bytes) would exceed Elasticsearch's "
                f"{conf.MAX_NAME_BYTES}, so the index cannot be rebuilt",
            )


def _held(key: str, index: dict[str, Any], test: bool) -> list[Name]:
    """The names the index ``key`` holds on its server, live or (``test``) in test runs."""
    settings = index["TEST"] if test else index
    where = ("TEST",) if test else ()
    held = [Name(key, settings["NAME"], conf.where("ES_INDICES", key, *where, "NAME"), True)]
    aliases = (settings.get("SETTINGS") or {}).get("aliases") or {}
    for alias in settings["ALIASES"]:
        properties = aliases.get(alias) or {}
        place = conf.where("ES_INDICES", key, *where, "ALIASES")
        held.append(Name(key, alias, place, True, properties.get("is_write_index")))
    for alias, properties in aliases.items():
        if alias not in settings["ALIASES"]:
            place = conf.where("ES_INDICES", key, *where, "SETTINGS") + "['aliases']"
            write_index = (properties or {}).get("is_write_index")
            held.append(Name(key, alias, place, False, write_index))
    return held


def _collisions(
    indices: Mapping[str, dict[str, Any]], keys: list[str], on: str, test: bool
) -> Iterator[tuple[Finding, frozenset[str]]]:
    """Names the indices ``keys`` (on one server, ``on``) would share: (finding, the two
    entries)."""
    held = [name for key in keys if key in indices for name in _held(key, indices[key], test)]
    index_names: dict[str, Name] = {}
    for name in held:
        if name.place.endswith("['NAME']"):
            first = index_names.setdefault(name.name, name)
            if first is not name:
                code = "E017" if test else "E014"
                yield (
                    Finding(
                        code,
                        f"{name.place} is {name.name!r}, as is {first.place}, on {on}: a "
                        "server has one index of a name, so one entry would act on the other's "
                        "index",
                    ),
                    frozenset((first.key, name.key)),
                )
    aliases: dict[str, list[Name]] = {}
    for name in held:
        if name.place.endswith("['NAME']"):
            continue
        index = index_names.get(name.name)
        if index is not None:
            whose = "the index's own NAME" if index.key == name.key else index.place
            yield (
                Finding(
                    "E017" if test else "E016",
                    f"{name.place} has {name.name!r}, which is {whose} on {on}: a name is an "
                    "index or an alias, not both",
                ),
                frozenset((index.key, name.key)),
            )
            continue
        holders = aliases.setdefault(name.name, [])
        if all(holder.key != name.key for holder in holders):
            holders.append(name)
    for alias, holders in aliases.items():
        if len(holders) > 1:
            yield from _shared(alias, holders, on, test)


def _shared(
    alias: str, holders: list[Name], on: str, test: bool
) -> Iterator[tuple[Finding, frozenset[str]]]:
    """An alias several indices hold: writes through it need exactly one write index."""
    writers = [holder for holder in holders if holder.write_index]
    first, last = holders[0], holders[-1]
    pair = frozenset((first.key, last.key))
    code = "E017" if test else "E015"
    if len(writers) > 1:
        message = (
            f"{writers[-1].place} marks {alias!r} is_write_index, as does {writers[0].place}, "
            f"on {on}: an alias has one write index at most"
        )
        yield Finding(code, message), pair
        return
    written = [holder for holder in holders if holder.written and holder not in writers]
    if written and writers:
        wrong = written[-1]
        message = (
            f"{wrong.place} has {alias!r}, whose write index on {on} is "
            f"ES_INDICES[{writers[0].key!r}]'s: writes of ES_INDICES[{wrong.key!r}] through it "
            "would go to the other index"
        )
        yield Finding(code, message), pair
    elif written:
        other = next(holder for holder in holders if holder is not written[-1])
        message = (
            f"{written[-1].place} has {alias!r}, as does {other.place}, on {on}: an alias of "
            "two indices without a write index refuses every write ('no write index is "
            "defined for alias')"
        )
        yield Finding(code, message), pair
    elif not writers and not test:
        message = (
            f"{last.place} has {alias!r}, as does {first.place}, on {on}, and neither is its "
            "write index: a write through it fails"
        )
        yield Finding("W007", message), pair
