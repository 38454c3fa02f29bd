"""``MemcachedNode``: an elastic-transport node that carries requests over memcached (pylibmc).

The node speaks to a djangoes memcached gateway (``djangoes-memcached-gateway``) as
:mod:`.wire` describes; the client above it sees the same statuses, headers and bodies as over
HTTP, so elasticsearch-py raises the same exceptions. Failures to reach the gateway are
elastic-transport's ``ConnectionError`` and ``ConnectionTimeout``, so retries and dead-node
marking work as for HTTP.
"""

from __future__ import annotations

import time
from typing import Any

import pylibmc
from elastic_transport import (
    ApiResponseMeta,
    BaseNode,
    ConnectionError,
    ConnectionTimeout,
    HttpHeaders,
    NodeConfig,
)
from elastic_transport._node import NodeApiResponse
from elastic_transport.client_utils import DEFAULT, DefaultType

from djangoes.gateway import error_reply

from .pool import ClientPool, PoolTimeout
from .wire import RESPONSE_KEY, Command, WireError, command_for, decode_response

#: ``NodeConfig._extras`` keys: the binary protocol, and more pylibmc behaviors.
BINARY = "djangoes.memcached.binary"
BEHAVIORS = "djangoes.memcached.behaviors"
#: Behaviors of every client: no Nagle delay between a write and its follow-up read.
DEFAULT_BEHAVIORS = {"tcp_nodelay": True}
#: libmemcached keeps timeouts in 32-bit integers (milliseconds, or microseconds).
_MAX_TIMEOUT = 2**31 - 1


class _Client(pylibmc.Client):
    """A pylibmc client whose values are bytes both ways, never pickled or decompressed.

    ``set`` takes ``(body, flags)``: the flags carry the request's method and content type.
    ``timeout`` is the request timeout its behaviors are set for.
    """

    timeout: float | DefaultType | None = DEFAULT

    def serialize(self, value: tuple[bytes, int]) -> tuple[bytes, int]:
        return value

    def deserialize(self, data: bytes, flags: int) -> bytes:
        return data


class MemcachedNode(BaseNode):
    """A node whose server is a djangoes memcached gateway at ``host:port``."""

    _CLIENT_META_HTTP_CLIENT = ("mc", pylibmc.__version__)

    def __init__(self, config: NodeConfig) -> None:
        super().__init__(config)
        host = f"[{config.host}]" if ":" in config.host else config.host
        self.server = f"{host}:{config.port}"
        self.binary = bool(config._extras.get(BINARY, False))
        behaviors = {**DEFAULT_BEHAVIORS, **config._extras.get(BEHAVIORS, {})}
        self.pool = ClientPool(
            lambda: _Client([self.server], binary=self.binary, behaviors=behaviors),
            config.connections_per_node,
        )

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        request_timeout: DefaultType | float | None = DEFAULT,
    ) -> NodeApiResponse:
        target = self.path_prefix + target
        request_headers = self.headers.copy()
        if headers:
            request_headers.update(headers)
        timeout = self.config.request_timeout if request_timeout is DEFAULT else request_timeout
        started = time.perf_counter()
        try:
            command = command_for(method, target, body, request_headers.get("content-type"))
            status, response_headers, data = self._exchange(command, timeout)
        except (ConnectionError, ConnectionTimeout) as error:
            self._log_request(method, target, request_headers, body, exception=error)
            raise
        meta = ApiResponseMeta(
            status=status,
            http_version="1.1",
            headers=HttpHeaders(response_headers),
            duration=time.perf_counter() - started,
            node=self.config,
        )
        data = data if method.upper() != "HEAD" else b""
        self._log_request(method, target, request_headers, body, meta=meta, response=data)
        return NodeApiResponse(meta, data)

    def _exchange(
        self, command: Command, timeout: float | None
    ) -> tuple[int, dict[str, str], bytes]:
        """Send ``command`` (and its follow-up read); the answer's status, headers, body."""
        try:
            with self.pool.client(timeout) as client:
                _set_timeout(client, timeout)
                started = time.monotonic()
                value = _send(client, command)
                if value is None:  # the client is dropped: its connection may be stuck
                    raise _no_answer(command, self.server, time.monotonic() - started, timeout)
        except PoolTimeout as error:
            raise ConnectionTimeout(f"memcached gateway {self.server}: {error}") from error
        except pylibmc.TooBig:
            reply = error_reply(
                413,
                "content_too_long_exception",
                f"the request body ({len(command.value)} bytes) is larger than the memcached "
                f"gateway {self.server} accepts (its --max-value-size)",
            )
            return reply.status, reply.headers, reply.body
        except pylibmc.Error as error:
            raise _connection_error(error, self.server) from error
        try:
            return decode_response(value)
        except WireError as error:
            message = f"memcached gateway {self.server}: {error}"
            raise ConnectionError(message, errors=(error,)) from error

    def close(self) -> None:
        self.pool.close()


def _send(client: _Client, command: Command) -> bytes | None:
    if command.op == "get":
        return client.get(command.key)
    if command.op == "set":
        client.set(command.key, (command.value, command.flags))
    else:
        client.delete(command.key)
    return client.get(RESPONSE_KEY)


def _set_timeout(client: _Client, timeout: float | None) -> None:
    """Make ``client`` give up after ``timeout`` seconds of silence (None: practically never)."""
    if client.timeout == timeout:
        return
    ms = _MAX_TIMEOUT if timeout is None else min(max(1, round(timeout * 1000)), _MAX_TIMEOUT)
    client.set_behaviors(
        {
            "connect_timeout": ms,
            "_poll_timeout": ms,
            "receive_timeout": min(ms * 1000, _MAX_TIMEOUT),
            "send_timeout": min(ms * 1000, _MAX_TIMEOUT),
        }
    )
    client.timeout = timeout


def _no_answer(
    command: Command, server: str, waited: float, timeout: float | None
) -> ConnectionError:
    """The error of a ``get`` that came back empty: a gateway always answers, so either it
    timed out (pylibmc's ``get`` reports a timeout as a miss) or the server is no gateway."""
    key = RESPONSE_KEY if command.follow_up else command.key
    if timeout is not None and waited >= timeout * 0.9:
        return ConnectionTimeout(
            f"memcached gateway {server}: no answer to get {key!r} in {timeout}s"
        )
    return ConnectionError(
        f"{server} had no answer to get {key!r}: is it a djangoes memcached gateway "
        "(djangoes-memcached-gateway)?"
    )


def _connection_error(error: pylibmc.Error, server: str) -> Exception:
    """elastic-transport's error for a pylibmc one: a timeout, or a failed connection."""
    message = f"memcached gateway {server}: {error}"
    if "TIMEOUT" in str(error).upper():
        return ConnectionTimeout(message, errors=(error,))
    return ConnectionError(message, errors=(error,))


def node_config(host: str | dict[str, Any], extras: dict[str, Any]) -> NodeConfig:
    """The NodeConfig of one ``HOSTS`` entry (a URL, or a dict), with ``extras``."""
    from elastic_transport.client_utils import url_to_node_config

    if isinstance(host, str):
        config = url_to_node_config(host)
    else:
        config = NodeConfig(host.get("scheme", "http"), host["host"], host["port"])
        if host.get("path_prefix"):
            config = config.replace(path_prefix=host["path_prefix"])
    return config.replace(_extras={**config._extras, **extras})
