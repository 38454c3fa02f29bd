"""What ``manage.py es_check`` finds on a server that the settings alone cannot show.

``manage.py check`` knows the settings; only the server knows what its names are today: a
configured alias that is a concrete index there, an alias djangoes writes through that other
indices hold too (every write fails: "no write index is defined for alias"), or that only an
index djangoes does not configure holds, a test name that is, there, a live index. Each is a
:class:`Finding`, in one request per kind of name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..backends.library import lenient, plain
from ..live import LiveIndex

OK, WARNING, ERROR = "OK", "WARNING", "ERROR"


@dataclass(frozen=True)
class Finding:
    #: ``OK``, ``WARNING`` or ``ERROR``.
    level: str
    #: The line ``es_check`` shows.
    shown: str
    #: What goes in the summary of an ``ERROR`` (the connection is added).
    problem: str = ""


def _found(client: Any, names: list[str]) -> dict[str, dict[str, Any]]:
    """{concrete index: its aliases} for every index ``names`` are or point to."""
    if not names:
        return {}
    body = plain(
        lenient(client).indices.get_alias(
            index=names, ignore_unavailable=True, allow_no_indices=True
        )
    )
    return {
        index: dict(entry.get("aliases") or {})
        for index, entry in (body or {}).items()
        if isinstance(entry, dict) and "aliases" in entry
    }


def _whose(index: str, configured: Mapping[str, str]) -> str:
    """``'books'`` as a message names it: the entry whose index it is, if one is."""
    for name, key in configured.items():
        if index == name or index.startswith(name + "__"):
            return f"{index!r} (ES_INDICES[{key!r}])"
    return f"{index!r} (no ES_INDICES entry)"


def aliases(
    client: Any, key: str, index: Mapping[str, Any], live: LiveIndex, configured: Mapping[str, str]
) -> Iterator[Finding]:
    """The configured aliases of ``index`` as the server has them.

    ``configured`` maps every configured ``NAME`` to its ``ES_INDICES`` key, to tell an index
    djangoes knows from one it does not.
    """
    written = list(index["ALIASES"])
    extra = [a for a in (index.get("SETTINGS") or {}).get("aliases") or {} if a not in written]
    found = _found(client, [*written, *extra])
    ours = live.index
    for alias in [*written, *extra]:
        holders = {i: names[alias] or {} for i, names in found.items() if alias in names}
        if alias in found:
            yield Finding(
                ERROR,
                f"alias {alias} is an index",
                f"{alias!r} (an alias of ES_INDICES[{key!r}]) is an index on the server, not an "
                "alias",
            )
        elif ours not in holders:
            if not holders:
                missing = f"alias {alias!r} of {live.name!r} missing"
                yield Finding(ERROR, f"alias {alias} missing", missing)
                continue
            others = ", ".join(_whose(i, configured) for i in sorted(holders))
            yield Finding(
                ERROR,
                f"alias {alias} is held by {others}, not by {live.name}",
                f"alias {alias!r} of {live.name!r} is held by {others} instead",
            )
        elif len(holders) == 1:
            yield Finding(OK, f"alias {alias}")
        else:
            yield _shared(alias, holders, ours, alias in written, configured)


def _shared(
    alias: str,
    holders: dict[str, dict[str, Any]],
    ours: str,
    written: bool,
    configured: Mapping[str, str],
) -> Finding:
    """An alias of the configured index that other indices hold too."""
    writers = [i for i, properties in holders.items() if properties.get("is_write_index")]
    others = ", ".join(_whose(i, configured) for i in sorted(holders) if i != ours)
    if writers == [ours]:
        return Finding(OK, f"alias {alias} (its write index; also on {others})")
    if writers:
        why = f"its write index is {_whose(writers[0], configured)}: writes through it go there"
    else:
        why = "none is its write index: every write through it fails"
    message = f"alias {alias!r} of {ours!r} is also held by {others}, and {why}"
    if written:
        return Finding(ERROR, f"alias {alias} is shared: {why}", message)
    return Finding(WARNING, f"alias {alias} is also held by {others}, and {why}")


def test_names(
    client: Any, key: str, index: Mapping[str, Any], live_names: set[str]
) -> Iterator[Finding]:
    """Errors only: the test names of ``index`` that the server has as live ones (which a test
    run would empty, delete or write to) or as aliases (which it cannot create)."""
    test = index["TEST"]
    name = test["NAME"]
    test_aliases = [*test["ALIASES"], *((test.get("SETTINGS") or {}).get("aliases") or {})]
    found = _found(client, [name, *test_aliases])

    def live(concrete: str) -> bool:
        return concrete in live_names or bool(live_names & set(found[concrete]))

    place = f"ES_INDICES[{key!r}]['TEST']"
    if name in found and live(name):
        held = ", ".join(sorted(live_names & set(found[name])))
        yield Finding(
            ERROR,
            f"test index {name} holds the live name(s) {held}",
            f"the test index {name!r} ({place}['NAME']) holds the live name(s) {held}: test "
            "runs would empty and delete it",
        )
    for test_name in [name, *test_aliases]:
        if test_name != name and test_name in found:
            yield Finding(
                ERROR,
                f"test alias {test_name} is an index",
                f"the test alias {test_name!r} ({place}) is an index on the server",
            )
        for concrete in sorted(i for i, names in found.items() if test_name in names):
            kind = "the live index" if live(concrete) else "the index"
            if test_name == name or live(concrete):
                yield Finding(
                    ERROR,
                    f"test name {test_name} is an alias of {kind} {concrete}",
                    f"the test name {test_name!r} ({place}) is an alias of {kind} "
                    f"{concrete!r} on the server: test runs would write to it or delete it",
                )
