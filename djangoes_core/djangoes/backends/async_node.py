"""Any elastic-transport node class as an asynchronous one, its requests run in threads.

A transport without a native asyncio node (the embedded engine, thrift, memcached, a third
party's) still serves ``aconnections``: ``threaded(node_class)`` is an async node class whose
requests are ``node_class``'s, run by ``asyncio.to_thread`` so that the event loop never waits
on them. The sync node must be thread-safe, as elastic-transport's are (a sync client may be
shared by threads).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, ClassVar

from elastic_transport import BaseAsyncNode, BaseNode, HttpHeaders, NodeConfig
from elastic_transport.client_utils import DEFAULT, DefaultType

from .node import NodeApiResponse


class ThreadedNode(BaseAsyncNode):
    """An async node that sends each request through a sync node, in a worker thread."""

    #: The sync node class; see :func:`threaded`.
    node_class: ClassVar[type[BaseNode]]

    def __init__(self, config: NodeConfig) -> None:
        super().__init__(config)
        self.node = self.node_class(config)

    async def perform_request(  # type: ignore[override]
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        request_timeout: DefaultType | float | None = DEFAULT,
    ) -> NodeApiResponse:
        return await asyncio.to_thread(
            self.node.perform_request,
            method,
            target,
            body=body,
            headers=headers,
            request_timeout=request_timeout,
        )

    async def close(self) -> None:  # type: ignore[override]
        self.node.close()


@functools.cache
def threaded(node_class: type[BaseNode]) -> type[ThreadedNode]:
    """The async node class that runs ``node_class``'s requests in threads (one per class)."""
    attributes: dict[str, Any] = {
        "__module__": __name__,
        "__doc__": f"{node_class.__name__} run in worker threads, for asynchronous clients.",
        "node_class": node_class,
        "_CLIENT_META_HTTP_CLIENT": node_class._CLIENT_META_HTTP_CLIENT,
    }
    return type(f"Threaded{node_class.__name__}", (ThreadedNode,), attributes)
