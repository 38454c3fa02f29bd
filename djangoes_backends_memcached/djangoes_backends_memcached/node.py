"""``MemcachedNode``: an elastic-transport node that carries requests over memcached (pylibmc).

The node speaks to a djangoes memcached gateway (``djangoes-memcached-gateway``) as
:mod:`.wire` describes; the client above it sees the same statuses, headers and bodies as over
HTTP, so elasticsearch-py raises the same exceptions. Failures to reach the gateway are
elastic-transport's ``ConnectionError`` and ``ConnectionTimeout``, so retries and dead-node
marking work as for HTTP.

Credentials (``basic_auth``, ``HOSTS`` URLs with ``user:password@``) travel as SASL PLAIN on
the binary protocol, the only one that carries it: a client with credentials always speaks
binary. A gateway that refuses them, or wants some and got none, answers as Elasticsearch does:
a 401 (elasticsearch-py's ``AuthenticationException``) that names the gateway.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from typing import Any, NamedTuple

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
from djangoes_gateway.authentication import AuthenticationFailed
from djangoes_gateway.replies import Reply, error_reply, refused

from .plugins import plain_available
from .wire import RESPONSE_KEY, Command, WireError, command_for, decode_response

#: Node options (see :func:`node_config`): the binary protocol, and more pylibmc behaviors.
BINARY = "djangoes.memcached.binary"
BEHAVIORS = "djangoes.memcached.behaviors"
#: Behaviors of every client: no Nagle delay between a write and its follow-up read.
DEFAULT_BEHAVIORS = {"tcp_nodelay": True}
#: libmemcached keeps timeouts in 32-bit integers (milliseconds, or microseconds).
_MAX_TIMEOUT = 2**31 - 1
#: A key no request has: what a probe deletes to learn whether the gateway wants credentials.
_PROBE_KEY = "_djangoes/probe"
#: How long a probe may take at most, in seconds.
_PROBE_TIMEOUT = 5.0
#: libmemcached's return codes: no authentication could be attempted (the client has no SASL
#: mechanism, or the server takes none); the server refused the credentials (or the lack of).
_AUTH_PROBLEM, _AUTH_FAILURE = 40, 41
#: libmemcached's return code for an answer it could not read.
_READ_FAILURE = 7
#: Sets of credentials a node keeps connections for (each has its pool); the oldest goes first.
_MAX_POOLS = 8


class Credentials(NamedTuple):
    """A user and password, as SASL PLAIN sends them; the password stays out of the repr."""

    username: str
    password: str

    def __repr__(self) -> str:
        return f"<credentials {self.username!r}>"


class _Refusal(Exception):
    """An answer to give instead of the gateway's: a 401 whose reason says why."""


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
        # A pool per set of credentials (a pylibmc client authenticates once, with its own):
        # usually one, that of the client's basic_auth.
        self._pools: dict[Credentials | None, ConnectionPool[_Client]] = {}
        self._credentials: Credentials | None = None  # those of the last request

    @property
    def pool(self) -> ConnectionPool[_Client]:
        """The connections of the last request's credentials (of none, before any request)."""
        return self._pool_for(self._credentials)

    def _pool_for(self, credentials: Credentials | None) -> ConnectionPool[_Client]:
        pool = self._pools.get(credentials)
        if pool is None:
            if len(self._pools) >= _MAX_POOLS:
                self._pools.pop(next(iter(self._pools))).close()
            # One thread at a time on each client, so one TCP connection per request in
            # flight: what lets the gateway keep a write's answer per connection.
            pool = ConnectionPool(
                lambda timeout: self._connect(credentials), self.config.connections_per_node
            )
            self._pools[credentials] = pool
        return pool

    def _connect(self, credentials: Credentials | None = None) -> _Client:
        if credentials is None:
            return _Client([self.server], binary=self.binary, behaviors=self.behaviors)
        username, password = credentials
        return _Client(
            [self.server],
            binary=True,  # SASL travels only in the binary protocol
            username=username,
            password=password,
            behaviors=self.behaviors,
        )

    def exchange(
        self, method: str, target: str, headers: HttpHeaders, body: bytes, timeout: float | None
    ) -> Answer:
        command = command_for(method, target, body, headers.get("content-type"))
        try:
            credentials = self._credentials = _credentials(headers.get("authorization"))
            value = self._send(command, credentials, timeout)
        except pylibmc.TooBig:
            return self._too_big(command)
        except _Refusal as refusal:
            return self._unauthorized(str(refusal))
        try:
            return decode_response(value)
        except WireError as error:
            message = f"memcached gateway {self.server}: {error}"
            raise ConnectionError(message, errors=(error,)) from error

    def _send(
        self, command: Command, credentials: Credentials | None, timeout: float | None
    ) -> bytes:
        """The gateway's answer to ``command``; _Refusal if it refused the credentials."""
        try:
            with self._pool_for(credentials).connection(timeout) as client:
                started = time.monotonic()
                value = client.send(command, timeout)
                if value is None:  # the client is dropped: its connection may be stuck
                    raise self._no_answer(command, time.monotonic() - started, timeout)
                return value
        except pylibmc.TooBig:
            raise
        except (pylibmc.Error, ConnectionError) as error:
            refusal = self._authentication_refusal(error, credentials, timeout)
            if refusal is None:
                raise
            raise _Refusal(refusal) from error

    def _authentication_refusal(
        self, error: Exception, credentials: Credentials | None, timeout: float | None
    ) -> str | None:
        """Why the gateway refused the request for its credentials (None: it did not).

        libmemcached says so with its return codes: 41 (refused credentials, or a command
        sent without any), 40 (no authentication could be attempted). A gateway with users
        answers a client without credentials in ways that say less (a ``get`` is a miss, text
        is refused): those are told apart by a probe.
        """
        code = _return_code(error)
        if credentials is not None and code == _AUTH_FAILURE:
            return (
                f"unable to authenticate user [{credentials.username}] with the memcached "
                f"gateway {self.server}: SASL PLAIN refused (wrong user name or password)"
            )
        if credentials is not None and code in (_AUTH_PROBLEM, _READ_FAILURE):
            # A gateway without users answers SASL "unknown command", which libmemcached
            # cannot read; one with users and a client without PLAIN is the other case.
            if not self._requires_authentication(timeout):
                return (
                    f"the memcached gateway {self.server} takes no credentials (it was started "
                    "without --users): remove basic_auth, or restart it with --users FILE"
                )
            if code == _READ_FAILURE:
                return None
            if plain_available():  # PLAIN was there, yet libsasl2 could not start it
                return (
                    f"could not authenticate with the memcached gateway {self.server}: "
                    f"libsasl2 could not start SASL PLAIN ({error})"
                )
            return (
                f"could not authenticate with the memcached gateway {self.server}: pylibmc's "
                "libsasl2 has no PLAIN mechanism. Install the SASL plugins (Debian, Ubuntu: "
                "apt-get install libsasl2-modules) or set SASL_PATH to the directory holding "
                "libplain.so before pylibmc is imported"
            )
        unclear = isinstance(error, (ConnectionError, pylibmc.ClientError))
        if credentials is None and (
            code == _AUTH_FAILURE or (unclear and self._requires_authentication(timeout))
        ):
            return (
                f"missing authentication credentials for the memcached gateway {self.server}: "
                "it requires SASL authentication (started with --users); give basic_auth in "
                "PARAMS or user:password@ in HOSTS"
            )
        return None

    def _requires_authentication(self, timeout: float | None) -> bool:
        """Whether the gateway wants credentials: a probe without any on a new connection
        (a request's own may be marked failed), deleting a key no request has."""
        probe = _Client([self.server], binary=True, behaviors=self.behaviors)
        try:
            probe._set_timeout(min(timeout or _PROBE_TIMEOUT, _PROBE_TIMEOUT))
            probe.delete(_PROBE_KEY)
        except pylibmc.Error as error:
            return _return_code(error) == _AUTH_FAILURE
        finally:
            probe.disconnect_all()
        return False

    def _unauthorized(self, reason: str) -> Answer:
        """Elasticsearch's 401, so that elasticsearch-py raises AuthenticationException."""
        return _answer(refused(AuthenticationFailed(reason)))

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

    def _too_big(self, command: Command) -> Answer:
        """The gateway refused a value over its ``--max-value-size``: Elasticsearch's answer
        to a body over ``http.max_content_length``, so the client raises the same ApiError."""
        reason = (
            f"the request body ({len(command.value)} bytes) is larger than the memcached "
            f"gateway {self.server} accepts (its --max-value-size)"
        )
        return _answer(error_reply(413, "content_too_long_exception", reason))

    def close(self) -> None:
        for pool in list(self._pools.values()):
            pool.close()


def _answer(reply: Reply) -> Answer:
    """A gateway's reply as the answer of an exchange."""
    return reply.status, reply.headers, reply.body


def _return_code(error: Exception) -> int | None:
    """libmemcached's return code in a pylibmc error ("error 41 from memcached_get(...)")."""
    match = re.match(r"error (\d+) from ", str(error))
    return int(match.group(1)) if match else None


def _credentials(authorization: str | None) -> Credentials | None:
    """The user and password of a request's ``Authorization`` (basic_auth, or the userinfo of
    a HOSTS URL); _Refusal for what SASL PLAIN cannot carry (an API key, a bearer token)."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        raise _Refusal(
            f"the memcached transport carries a user name and password only (SASL PLAIN), "
            f"not {scheme} credentials: use basic_auth, or a transport that sends headers"
        )
    try:
        username, sep, password = (
            base64.b64decode(value.strip(), validate=True).decode().partition(":")
        )
    except (binascii.Error, UnicodeDecodeError):
        sep = ""
    if not sep:
        raise _Refusal("invalid basic authentication header value")
    return Credentials(username, password)


def node_config(host: str | dict[str, Any], options: dict[str, Any]) -> NodeConfig:
    """The NodeConfig of one ``HOSTS`` entry (a URL, or a dict), carrying ``options``."""
    if isinstance(host, str):
        config = url_to_node_config(host)
    else:
        config = NodeConfig(host.get("scheme", "http"), host["host"], host["port"])
        if host.get("path_prefix"):
            config = config.replace(path_prefix=host["path_prefix"])
    return with_node_options(config, options)
