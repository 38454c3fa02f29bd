"""What a configured index is on the server: the concrete index behind its ``NAME``.

``NAME`` is a concrete index until the first rebuild, and an alias of a versioned index
(``blog__20261125t103000``) after it; commands and the rebuild look it up here, in one request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .backends.library import lenient, plain


class AmbiguousIndex(Exception):
    """``NAME`` is an alias of several indices: which one is the index is not known."""


@dataclass(frozen=True)
class LiveIndex:
    #: The configured ``NAME``.
    name: str
    #: The concrete index ``NAME`` is or points to; None when there is none.
    index: str | None = None
    #: The aliases of that index, with their properties (``filter``, ``is_write_index``...).
    aliases: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.index is not None

    @property
    def is_alias(self) -> bool:
        """Whether ``NAME`` is an alias (as after a rebuild) rather than the index itself."""
        return self.index is not None and self.index != self.name


def live_index(client: Any, name: str) -> LiveIndex:
    return from_aliases(name, plain(lenient(client).indices.get_alias(index=name)))


def from_aliases(name: str, found: Any) -> LiveIndex:
    """The live index of ``name`` from a ``GET /<name>/_alias`` answer (a 404 one included)."""
    indices = {
        i: entry for i, entry in found.items() if isinstance(entry, dict) and "aliases" in entry
    }
    if not indices:
        return LiveIndex(name)
    if len(indices) > 1:
        raise AmbiguousIndex(
            f"{name!r} is an alias of several indices ({', '.join(sorted(indices))}): "
            "djangoes expects it to name one index"
        )
    ((index, entry),) = indices.items()
    return LiveIndex(name, index, dict(entry.get("aliases") or {}))
