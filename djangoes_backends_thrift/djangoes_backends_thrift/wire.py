"""How the bytes travel: Thrift's binary protocol, over a buffered or a framed transport.

Client and gateway must agree on the framing (``PARAMS: {'framed_transport': True}`` on one
side, ``--framed`` on the other). Both read strictly (a message must start with the binary
protocol's version word), so a peer that frames differently is refused at once instead of
being waited for.
"""

from __future__ import annotations

from thrift.protocol.TBinaryProtocol import TBinaryProtocolAccelerated
from thrift.transport.TTransport import (
    HARD_MAX_FRAME_SIZE,
    TBufferedTransportFactory,
    TFramedTransportFactory,
    TTransportBase,
)

__all__ = [
    "CLIENT_MAX_MESSAGE",
    "MAX_ENTRIES",
    "SERVER_MAX_MESSAGE",
    "ProtocolFactory",
    "transport_factory",
]

#: The largest request the gateway reads: Elasticsearch's default ``http.max_content_length``.
SERVER_MAX_MESSAGE = 100 * 1024 * 1024
#: The largest response a client reads (Thrift's hard limit): the upstream decides the size.
CLIENT_MAX_MESSAGE = HARD_MAX_FRAME_SIZE
#: The most entries a headers or parameters map may declare: a bound for malformed input.
MAX_ENTRIES = 64 * 1024


def transport_factory(
    framed: bool, max_message: int
) -> TFramedTransportFactory | TBufferedTransportFactory:
    """The transport around each socket: framed (4-byte length, then the message) or buffered."""
    if framed:
        return TFramedTransportFactory(max_frame_size=max_message)
    return TBufferedTransportFactory()


class ProtocolFactory:
    """Thrift's binary protocol (its C codec when available), strict, with size limits."""

    def __init__(self, max_message: int) -> None:
        self.max_message = max_message

    def getProtocol(self, transport: TTransportBase) -> TBinaryProtocolAccelerated:
        return TBinaryProtocolAccelerated(
            transport,
            strictRead=True,
            string_length_limit=self.max_message,
            container_length_limit=MAX_ENTRIES,
        )
