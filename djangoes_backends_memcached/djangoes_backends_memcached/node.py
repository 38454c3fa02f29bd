"""``MemcachedNode``: an elastic-transport node that carries requests over memcached (pylibmc).

The node speaks to a djangoes memcached gateway (``djangoes-memcached-gateway``) as
:mod:`.wire` describes; the client above it sees the same statuses, headers and bodies as over
HTTP, so elasticsearch-py raises the same exceptions. Failures to reach the gateway are
elastic-transport's ``ConnectionError`` and ``ConnectionTimeout``, so retries and dead-node
marking work as for HTTP.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pylibmc
from elastic_transport import (
    ConnectionError,
    ConnectionTimeout,
    HttpHeaders,
    NodeConfig,
    TransportError,
)
from elastic_transport.client_utils import DEFAULT, DefaultType, url_to_node_config

from djangoes.backends.node import (
    Answer,
    ConnectionPool,
    ExchangeNode,
    node_option,
    with_node_options,
)

from .wire import RESPONSE_KEY, Command, WireError, command_for, decode_response

#: Node options (see :func:`node_config`): the binary protocol, and more pylibmc behaviors.
BINARY = "djangoes.memcached.binary"
BEHAVIORS = "djangoes.memcached.behaviors"
#: Behaviors of every client: no Nagle delay between a write and its follow-up read.
DEFAULT_BEHAVIORS = {"tcp_nodelay": True}
#: libmemcached keeps timeouts in 32-bit integers (milliseconds, or microseconds).
_MAX_TIMEOUT = 2**31 - 1


class _Client(pylibmc.Client):
    """A pylibmc client, one TCP connection, whose values are bytes both ways (never pickled or
    decompressed): ``set`` takes ``(body, flags)``, the flags carrying the request's method and
    content type."""

    #: The request timeout its behaviors are set for.
    timeout: float | DefaultType | None = DEFAULT

    def serialize(self, value: tuple[bytes, int]) -> tuple[bytes, int]:
        return value

    def deserialize(self, data: bytes, flags: int) -> bytes:
        return data

    def send(self, command: Command, timeout: float | None) -> bytes | None:
        """Send ``command`` and read its answer (a miss: None) within ``timeout``."""
        self._set_timeout(timeout)
        if command.op == "get":
            return self.get(command.key)
        if command.op == "set":
            self.set(command.key, (command.value, command.flags))
        else:
            self.delete(command.key)
        return self.get(RESPONSE_KEY)

    def _set_timeout(self, timeout: float | None) -> None:
        """Give up after ``timeout`` seconds of silence (None: practically never)."""
        if self.timeout == timeout:
            return
        ms = _MAX_TIMEOUT if timeout is None else min(max(1, round(timeout * 1000)), _MAX_TIMEOUT)
        self.set_behaviors(
            {
                "connect_timeout": ms,
                "_poll_timeout": ms,
                "receive_timeout": min(ms * 1000, _MAX_TIMEOUT),
                "send_timeout": min(ms * 1000, _MAX_TIMEOUT),
            }
        )
        self.timeout = timeout

    def reusable(self) -> bool:
        return True  # libmemcached reconnects by itself to a gateway that closed the connection

    def close(self) -> None:
        self.disconnect_all()


class MemcachedNode(ExchangeNode):
    """A node whose server is a djangoes memcached gateway at ``host:port``."""

    _CLIENT_META_HTTP_CLIENT = ("mc", pylibmc.__version__)
    #: Memcached commands carry no headers, so no content-encoding: ``http_compress`` is ignored.
    supports_compression = False

    def __init__(self, config: NodeConfig) -> None:
        super().__init__(config)
        host = f"[{config.host}]" if ":" in config.host else config.host
        self.server = f"{host}:{config.port}"
        self.binary = bool(node_option(config, BINARY, False))
        self.behaviors = {**DEFAULT_BEHAVIORS, **node_option(config, BEHAVIORS, {})}
        # One thread at a time on each client, so one TCP connection per request in flight:
        # what lets the gateway keep a write's answer per connection.
        self.pool: ConnectionPool[_Client] = ConnectionPool(
            self._connect, config.connections_per_node
        )

    def _connect(self, timeout: float | None) -> _Client:
        return _Client([self.server], binary=self.binary, behaviors=self.behaviors)

    def exchange(
        self, method: str, target: str, headers: HttpHeaders, body: bytes, timeout: float | None
    ) -> Answer:
        command = command_for(method, target, body, headers.get("content-type"))
        try:
            with self.pool.connection(timeout) as client:
                started = time.monotonic()
                value = client.send(command, timeout)
                if value is None:  # the client is dropped: its connection may be stuck
                    raise self._no_answer(command, time.monotonic() - started, timeout)
        except pylibmc.TooBig:
            return self._too_big(command)
        try:
            return decode_response(value)
        except WireError as error:
            message = f"memcached gateway {self.server}: {error}"
            raise ConnectionError(message, errors=(error,)) from error

    def transport_error(self, error: Exception) -> TransportError | None:
        """pylibmc's errors: a timeout (told only by its text), or a failed connection."""
        if not isinstance(error, pylibmc.Error):
            return None
        message = f"memcached gateway {self.server}: {error}"
        if "TIMEOUT" in str(error).upper():
            return ConnectionTimeout(message, errors=(error,))
        return ConnectionError(message, errors=(error,))

    def _no_answer(self, command: Command, waited: float, timeout: float | None) -> TransportError:
        """The error of a ``get`` that came back empty: a gateway always answers, so either it
        timed out (pylibmc's ``get`` reports a timeout as a miss) or the server is no gateway."""
        key = RESPONSE_KEY if command.follow_up else command.key
        if timeout is not None and waited >= timeout * 0.9:
            return ConnectionTimeout(
                f"memcached gateway {self.server}: no answer to get {key!r} in {timeout}s"
            )
        return ConnectionError(
            f"{self.server} had no answer to get {key!r}: is it a djangoes memcached gateway "
            "(djangoes-memcached-gateway)?"
        )

    def _too_big(self, command: Command) -> tuple[int, dict[str, str], bytes]:
        """The gateway refused a value over its ``--max-value-size``: Elasticsearch's answer
        to a body over ``http.max_content_length``, so the client raises the same ApiError."""
        kind = "content_too_long_exception"
        reason = (
            f"the request body ({len(command.value)} bytes) is larger than the memcached "
            f"gateway {self.server} accepts (its --max-value-size)"
        )
        error = {"root_cause": [{"type": kind, "reason": reason}], "type": kind, "reason": reason}
        headers = {"content-type": "application/json", "x-elastic-product": "Elasticsearch"}
        return 413, headers, json.dumps({"error": error, "status": 413}).encode()

    def close(self) -> None:
        self.pool.close()


def node_config(host: str | dict[str, Any], options: dict[str, Any]) -> NodeConfig:
    """The NodeConfig of one ``HOSTS`` entry (a URL, or a dict), carrying ``options``."""
    if isinstance(host, str):
        config = url_to_node_config(host)
    else:
        config = NodeConfig(host.get("scheme", "http"), host["host"], host["port"])
        if host.get("path_prefix"):
            config = config.replace(path_prefix=host["path_prefix"])
    return with_node_options(config, options)
