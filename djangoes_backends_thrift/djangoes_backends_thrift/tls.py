"""TLS contexts: the node's from its ``NodeConfig`` (an ``https`` host), the gateway's from a
certificate and key.

The node follows elastic-transport's HTTP nodes: ``ssl_context`` is taken as given;
otherwise ``verify_certs`` (on by default) checks the certificate against ``ca_certs`` (a file
or a directory; certifi's bundle when not given, as elastic-transport does) and the host name
(``ssl_assert_hostname`` when given, an IP address against the certificate's IP entries),
``client_cert``/``client_key`` authenticate the client, and ``ssl_version`` is the lowest TLS
version accepted (TLS 1.2 by default, as over HTTP). ``ssl_assert_fingerprint`` is not
supported: it is refused, not ignored.
"""

from __future__ import annotations

import os
import ssl
import warnings

from elastic_transport import NodeConfig, SecurityWarning
from elastic_transport._node._base import DEFAULT_CA_CERTS, ssl_context_from_node_config

__all__ = ["client_context", "server_context", "server_hostname"]


def client_context(config: NodeConfig) -> ssl.SSLContext:
    """The context a node opens its TLS connections with.

    Built by elastic-transport's own function, as its HTTP nodes' are (verification on or
    off, TLS 1.2 at least unless ``ssl_version`` says otherwise); then the CA certificates and
    client certificate its urllib3 node would hand to urllib3 are loaded here.
    """
    if config.ssl_assert_fingerprint:
        raise ValueError(
            "the thrift transport does not support ssl_assert_fingerprint: give the CA "
            "certificate (ca_certs) or an ssl_context instead"
        )
    context = ssl_context_from_node_config(config)
    if config.ssl_context is not None:
        return context
    if config.verify_certs:
        ca_certs = config.ca_certs or DEFAULT_CA_CERTS
        if ca_certs and os.path.isdir(ca_certs):
            context.load_verify_locations(capath=ca_certs)
        elif ca_certs:
            context.load_verify_locations(cafile=ca_certs)
        # An IP address is checked against the certificate's IP entries, as Python does.
        context.check_hostname = config.ssl_assert_hostname is not False
    elif config.ssl_show_warn:
        warnings.warn(
            f"Connecting to {config.host}:{config.port} using TLS with verify_certs=False "
            "is insecure",
            SecurityWarning,
            stacklevel=2,
        )
    if config.client_cert:
        context.load_cert_chain(config.client_cert, config.client_key)
    return context


def server_hostname(config: NodeConfig) -> str:
    """The name the certificate must carry: ``ssl_assert_hostname``, or the host."""
    return config.ssl_assert_hostname or config.host


def server_context(certfile: str, keyfile: str | None = None) -> ssl.SSLContext:
    """The gateway's context: its certificate (and key, if not in the same file)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile, keyfile)
    return context
