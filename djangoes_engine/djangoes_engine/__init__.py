"""An Elasticsearch-compatible engine on tantivy, served in-process or over HTTP.

``Engine(path=None)`` is the engine (in memory, or on a data directory); ``Engine.handle`` serves
a :class:`Request` of the REST API. ``djangoes-embedded serve`` serves it over HTTP. Neither
Django nor djangoes' core is needed. Names are imported when first used, so that the command
line's ``--help`` does not load the engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cluster import VERSION
    from .engine import Engine
    from .errors import EngineError
    from .http import Request, Response

__all__ = ["VERSION", "Engine", "EngineError", "Request", "Response"]

_WHERE = {
    "VERSION": "cluster",
    "Engine": "engine",
    "EngineError": "errors",
    "Request": "http",
    "Response": "http",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
