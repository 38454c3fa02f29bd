"""djangoes' Thrift transport: ``ENGINE: 'thrift'`` and the thrift gateway that serves it.

The protocol is the ``Rest`` service of Elasticsearch's former thrift plugin
(``elasticsearch.thrift`` in this package). :class:`ThriftNode` sends each request of the
official client as a thrift call; ``djangoes-thrift-gateway`` (:mod:`.gateway`) answers those
calls from an Elasticsearch server over HTTP or from the embedded engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .backend import SimpleThriftBackend
    from .node import FramedThriftNode, ThriftNode

__all__ = ["FramedThriftNode", "SimpleThriftBackend", "ThriftNode"]


def __getattr__(name: str) -> Any:
    # Imported when asked for: the gateway needs neither Django nor elasticsearch-py's client.
    if name == "SimpleThriftBackend":
        from .backend import SimpleThriftBackend

        return SimpleThriftBackend
    if name in ("FramedThriftNode", "ThriftNode"):
        from . import node

        return getattr(node, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
