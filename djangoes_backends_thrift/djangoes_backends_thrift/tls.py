"""TLS contexts: the node's from its ``NodeConfig`` (an ``https`` host), the gateway's from a
certificate and key.

The node follows elastic-transport's HTTP nodes: ``ssl_context`` is taken as given;
otherwise ``verify_certs`` (on by default) checks the certificate against ``ca_certs`` (a file
or a directory; certifi's bundle when not given, as elastic-transport does) and the host name
(``ssl_assert_hostname`` when given, an IP address against the certificate's IP entries),
``client_cert``/``client_key`` authenticate the client, and ``ssl_version`` is the lowest TLS
version accepted. ``ssl_assert_fingerprint`` is not supported: it is refused, not ignored.
"""

from __future__ import annotations

import os
import ssl
import warnings

from elastic_transport import NodeConfig, SecurityWarning

__all__ = ["client_context", "server_context", "server_hostname"]


def _default_ca_certs() -> str | None:
    try:
        import certifi
    except ImportError:  # the system's store, then
        return None
    return certifi.where()


def client_context(config: NodeConfig) -> ssl.SSLContext:
    """The context a node opens its TLS connections with."""
    if config.ssl_assert_fingerprint:
        raise ValueError(
            "the thrift transport does not support ssl_assert_fingerprint: give the CA "
            "certificate (ca_certs) or an ssl_context instead"
        )
    if config.ssl_context is not None:
        return config.ssl_context
    if config.verify_certs:
        ca_certs = config.ca_certs or _default_ca_certs()
        if ca_certs and os.path.isdir(ca_certs):
            context = ssl.create_default_context(capath=ca_certs)
        else:
            context = ssl.create_default_context(cafile=ca_certs)
        context.check_hostname = config.ssl_assert_hostname is not False
    else:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        if config.ssl_show_warn:
            warnings.warn(
                f"Connecting to {config.host}:{config.port} using TLS with verify_certs=False "
                "is insecure",
                SecurityWarning,
                stacklevel=2,
            )
    if config.client_cert:
        context.load_cert_chain(config.client_cert, config.client_key)
    if config.ssl_version is not None:
        if not isinstance(config.ssl_version, ssl.TLSVersion):
            raise ValueError("the thrift transport takes ssl_version as an ssl.TLSVersion")
        context.minimum_version = config.ssl_version
    return context


def server_hostname(config: NodeConfig) -> str:
    """The name the certificate must carry: ``ssl_assert_hostname``, or the host."""
    return config.ssl_assert_hostname or config.host


def server_context(certfile: str, keyfile: str | None = None) -> ssl.SSLContext:
    """The gateway's context: its certificate (and key, if not in the same file)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile, keyfile)
    return context
