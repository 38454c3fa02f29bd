"""A failed thrift call as elastic-transport's error, so that retries and dead nodes work.

elastic-transport retries a :class:`~elastic_transport.ConnectionError` on another node and
marks the node dead; a :class:`~elastic_transport.ConnectionTimeout` only if
``retry_on_timeout``. So: a refused, reset or dropped connection, a truncated or malformed
reply, and any other Thrift transport or protocol failure are ConnectionErrors; a socket
timeout is a ConnectionTimeout; a failed TLS handshake or certificate check is a TlsError.
The socket's own error comes first in ``errors`` (the error's text shows it), then Thrift's.
"""

from __future__ import annotations

import ssl
import zlib

from elastic_transport import ConnectionError, ConnectionTimeout, TlsError, TransportError
from thrift.protocol.TProtocol import TProtocolException
from thrift.Thrift import TApplicationException
from thrift.transport.TTransport import TTransportException

__all__ = ["transport_error"]

#: Failures of the connection or of what came over it (anything else is a bug: re-raised).
CONNECTION_FAILURES = (
    OSError,
    EOFError,
    zlib.error,
    TTransportException,
    TProtocolException,
    TApplicationException,
)
#: TLS errors that only say the peer closed the connection.
TLS_CLOSED = (ssl.SSLEOFError, ssl.SSLZeroReturnError)


def transport_error(error: Exception) -> TransportError | None:
    """elastic-transport's error for ``error``, or None if it is not a connection failure."""
    if not isinstance(error, CONNECTION_FAILURES):
        return None
    cause = getattr(error, "inner", None) or error
    errors = (cause,) if cause is error else (cause, error)
    message = str(error) if cause is error else f"{error}: {cause}"
    if isinstance(cause, TimeoutError) or (
        isinstance(error, TTransportException) and error.type == TTransportException.TIMED_OUT
    ):
        return ConnectionTimeout(f"Connection timed out during request: {message}", errors)
    if isinstance(cause, ssl.SSLError) and not isinstance(cause, TLS_CLOSED):
        return TlsError(message, errors)
    return ConnectionError(message, errors)
