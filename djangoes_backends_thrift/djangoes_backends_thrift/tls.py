"""TLS: the name a node checks the gateway's certificate against, and the gateway's context.

The node's context is built from its ``NodeConfig`` as elastic-transport's HTTP nodes build
theirs, by :func:`djangoes.backends.node.client_ssl_context` (``ca_certs``, ``verify_certs``,
``client_cert``/``client_key``, ``ssl_assert_hostname``, ``ssl_version`` or a ready
``ssl_context``; ``ssl_assert_fingerprint`` is refused, not ignored).
"""

from __future__ import annotations

import ssl

from elastic_transport import NodeConfig

__all__ = ["server_context", "server_hostname"]


def server_hostname(config: NodeConfig) -> str:
    """The name the certificate must carry: ``ssl_assert_hostname``, or the host."""
    return config.ssl_assert_hostname or config.host


def server_context(certfile: str, keyfile: str | None = None) -> ssl.SSLContext:
    """The gateway's context: its certificate (and key, if not in the same file)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile, keyfile)
    return context
