"""One engine per data directory (or per in-memory name) in a process.

Every Django connection of every thread builds its own client, and each client's node must
reach the same engine, so engines are shared through this registry. A forked child forgets its
parent's engines: their tantivy writer threads do not survive a fork, and a data directory is
locked by the parent; the child opens its own (an in-memory engine starts empty there).
"""

from __future__ import annotations

import os
import threading

from .engine import Engine

MEMORY = ":memory:"

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _key(path: str | None, name: str | None) -> str:
    if path is None:
        return f"{MEMORY}{name or 'default'}"
    return os.path.realpath(path)


def get_engine(path: str | None = None, name: str | None = None) -> Engine:
    """The process's engine for a data directory, or the named in-memory engine."""
    key = _key(path, name)
    engine = _engines.get(key)
    if engine is not None and not engine.closed:
        return engine
    with _lock:
        engine = _engines.get(key)
        if engine is None or engine.closed:
            engine = _engines[key] = Engine(path)
        return engine


def close_engine(path: str | None = None, name: str | None = None) -> None:
    with _lock:
        engine = _engines.pop(_key(path, name), None)
    if engine is not None:
        engine.close()


def _forget_after_fork() -> None:
    global _lock
    _engines.clear()
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)
