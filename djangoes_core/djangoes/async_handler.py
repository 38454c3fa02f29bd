"""``aconnections``: the asynchronous connections, one per alias per event loop.

An ``AsyncElasticsearch`` client holds sessions bound to the event loop that opened them
(aiohttp's), so a connection is never shared between loops: each running loop gets its own,
built by the synchronous handler from the same settings (test mode included), and closed when
the loop shuts down. Within one loop, coroutines share a connection, as they safely may.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import weakref
from collections.abc import AsyncGenerator, Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .backends.abstracts import Base
    from .handler import ConnectionHandler

#: Every handler, so that a forked child forgets their connections (their sockets are the
#: parent's): weakly, as handlers made in tests come and go.
_HANDLERS: weakref.WeakSet[AsyncConnectionHandler] = weakref.WeakSet()
#: What a forked child inherited: kept, so that it never closes its parent's connections.
_INHERITED: list[LoopConnections] = []


class LoopConnections:
    """The connections of one event loop, closed when the loop shuts down.

    The loop finalizes the asynchronous generator started here in ``shutdown_asyncgens()``,
    which ``asyncio.run`` (and with it asgiref, Django's test clients, uvicorn) calls before
    closing the loop: the connections close there, in the loop they belong to, and
    ``on_shutdown`` lets the handler forget the loop.
    """

    def __init__(self, storage: object, on_shutdown: Callable[[], None]) -> None:
        #: The synchronous handler's storage these connections were made for: when it is
        #: replaced (new settings, test mode), they are retired and new ones made.
        self.storage = storage
        self.on_shutdown = on_shutdown
        self.connections: dict[str, Base] = {}
        self.retired: list[Base] = []
        self._closer = self._close_at_shutdown()
        with contextlib.suppress(StopIteration):  # run to its ``yield``: the loop now knows it
            self._closer.asend(None).send(None)

    async def _close_at_shutdown(self) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            self.on_shutdown()
            await self.aclose()

    def renew(self, storage: object) -> None:
        self.retired.extend(self.connections.values())
        self.connections = {}
        self.storage = storage

    async def aclose(self) -> None:
        connections = [*self.retired, *self.connections.values()]
        self.connections, self.retired = {}, []
        for connection in connections:
            await connection.aclose()


class AsyncConnectionHandler:
    """The asynchronous connections of a :class:`~djangoes.ConnectionHandler`'s aliases.

    ``aconnections[alias]`` is for coroutines: it needs a running asyncio event loop.
    """

    def __init__(self, handler: ConnectionHandler) -> None:
        self.handler = handler
        #: By loop, until it shuts down (a loop that never finalizes its async generators is
        #: kept, with its connections: ``aclose_all()`` before closing such a loop).
        self._loops: dict[asyncio.AbstractEventLoop, LoopConnections] = {}
        self._lock = threading.Lock()
        _HANDLERS.add(self)

    def __getitem__(self, alias: str) -> Base:
        current = self._loop_connections()
        try:
            return current.connections[alias]
        except KeyError:
            connection = self.handler.create_connection(alias, asynchronous=True)
            current.connections[alias] = connection
            return connection

    def __iter__(self) -> Iterator[str]:
        return iter(self.handler)

    def all(self, initialized_only: bool = False) -> list[Base]:
        """The connections of the running loop (only those already made, if asked)."""
        if initialized_only:
            return list(self._loop_connections().connections.values())
        return [self[alias] for alias in self]

    async def aclose_all(self) -> None:
        """Close the running loop's connections; the next use opens new ones."""
        await self._loop_connections().aclose()

    def every_loop(self) -> list[Base]:
        """The connections made in every loop: what ``reset_queries`` clears, from any thread."""
        with self._lock:
            loops = list(self._loops.values())
        connections: list[Base] = []
        for loop in loops:
            connections += list(loop.connections.values())  # one step: the loop may add some
        return connections

    def _loop_connections(self) -> LoopConnections:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                "aconnections is for coroutines, with an asyncio event loop running; "
                "synchronous code uses djangoes.connections"
            ) from None
        storage = self.handler._connections  # replaced on new settings, test mode, or a fork
        with self._lock:
            current = self._loops.get(loop)
            if current is None:
                current = LoopConnections(storage, lambda: self._discard(loop))
                self._loops[loop] = current
        if current.storage is not storage:
            current.renew(storage)
        return current

    def _discard(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._lock:
            self._loops.pop(loop, None)

    def _forget(self) -> None:
        _INHERITED.extend(self._loops.values())
        self._loops = {}
        self._lock = threading.Lock()


def _after_fork() -> None:
    for handler in list(_HANDLERS):
        handler._forget()


os.register_at_fork(after_in_child=_after_fork)
