"""Who is asking: a request's ``Authorization`` header checked as Elasticsearch checks it.

Users come from a users file (:mod:`.users`), with HTTP basic authentication; API keys
(``Authorization: ApiKey base64(id:key)``) from whatever key store the server has (the engine
keeps the keys its ``_security/api_key`` API creates). A request without credentials, with
wrong ones or with a scheme the server does not take (bearer tokens) is refused with
:class:`AuthenticationFailed`: Elasticsearch's 401, its body and its ``WWW-Authenticate``
challenge, and a reason that never repeats the secret.

A password check is slow on purpose (scrypt), so :class:`Authenticator` remembers, for a while,
the credentials it has checked: a client sending the same right credentials on every request
pays the check once (as Elasticsearch's realm cache does), and a flood of the same wrong ones
pays it once too. The checks that are not remembered run one at a time, so that however many
connections send wrong passwords, they take one core at most and the clients whose
credentials are remembered are never queued behind them. Failures are logged without the
secret and answered late (:class:`Throttle`): a guesser gets a few answers a second per
address, not thousands.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import logging
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from .users import UsersFile

__all__ = [
    "CHALLENGE",
    "ApiKeyStore",
    "AuthenticationFailed",
    "Authenticator",
    "Principal",
    "Throttle",
    "check_exposure",
    "is_loopback",
]

logger = logging.getLogger(__name__)

#: The challenges of a 401, in one header: Elasticsearch sends these two (and ``Bearer``,
#: which this server does not take) as separate ``WWW-Authenticate`` lines.
CHALLENGE = 'Basic realm="security", charset="UTF-8", ApiKey'
#: How long a checked password is remembered, as Elasticsearch's realm cache (``cache.ttl``).
REMEMBER_FOR = 20 * 60.0
#: Credentials remembered at most (right and wrong ones each); the oldest go first.
REMEMBER_AT_MOST = 10_000


@dataclass(frozen=True)
class Principal:
    """Who a request was authenticated as: a user of the users file, or an API key."""

    username: str
    realm: str  # "file" or "api_key", as Elasticsearch's authentication_realm names them
    api_key_id: str | None = None
    api_key_name: str | None = None


class ApiKeyStore(Protocol):
    """What an :class:`Authenticator` needs of a server's API keys."""

    def authenticate(self, key_id: str, key: str) -> Principal | None:
        """The principal of a valid (existing, not invalidated, not expired) key, else None."""
        ...


class AuthenticationFailed(Exception):
    """A request refused for its credentials: Elasticsearch's 401 ``security_exception``."""

    status = 401
    type = "security_exception"
    headers = {"WWW-Authenticate": CHALLENGE}

    def __init__(self, reason: str, delay: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason
        #: Seconds the server should wait before answering (:class:`Throttle`).
        self.delay = delay

    def to_dict(self) -> dict:
        """The response body, as Elasticsearch renders the error."""
        cause = {
            "type": self.type,
            "reason": self.reason,
            "header": {"WWW-Authenticate": [CHALLENGE]},
        }
        return {"error": {"root_cause": [cause], **cause}, "status": self.status}


@dataclass(frozen=True)
class _Credentials:
    scheme: str  # "basic" or "apikey"
    name: str  # the user name, or the API key's id
    secret: str

    def __repr__(self) -> str:  # the secret stays out of tracebacks and logs
        return f"<credentials {self.scheme} {self.name!r}>"


class Throttle:
    """Failed authentications per client address, and how long to wait before answering one.

    The first failures in a minute are answered after ``base`` seconds, each further one
    after twice as long as the last, up to ``ceiling``: a client that mistyped a password
    hardly notices, one guessing thousands of them gets a few answers a minute.
    """

    def __init__(self, base: float = 0.1, ceiling: float = 5.0, window: float = 60.0) -> None:
        self.base, self.ceiling, self.window = base, ceiling, window
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def failed(self, address: str, now: float | None = None) -> tuple[float, int]:
        """Record a failure from ``address``; the delay to apply and the failures in the window."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [t for t in self._failures.get(address, ()) if now - t < self.window]
            recent.append(now)
            self._failures[address] = recent
            if len(self._failures) > REMEMBER_AT_MOST:  # forget addresses quiet for a window
                self._failures = {
                    a: ts for a, ts in self._failures.items() if now - ts[-1] < self.window
                }
        return min(self.ceiling, self.base * 2 ** max(0, len(recent) - 3)), len(recent)


class _Memory:
    """Keyed hashes of credentials checked recently, with their outcome, bounded and expiring."""

    def __init__(self) -> None:
        self._salt = secrets.token_bytes(16)  # per process: a key is useless anywhere else
        self._entries: OrderedDict[bytes, tuple[float, Principal | None]] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, credentials: _Credentials) -> bytes:
        text = f"{credentials.scheme}\0{credentials.name}\0{credentials.secret}"
        return hashlib.blake2b(text.encode(), key=self._salt, digest_size=32).digest()

    def get(self, key: bytes) -> tuple[bool, Principal | None]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] < time.monotonic():
                return False, None
            return True, entry[1]

    def put(self, key: bytes, principal: Principal | None) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + REMEMBER_FOR, principal)
            self._entries.move_to_end(key)
            while len(self._entries) > 2 * REMEMBER_AT_MOST:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class Authenticator:
    """Checks each request's credentials against a users file and an API key store."""

    def __init__(
        self,
        users: UsersFile | None = None,
        api_keys: ApiKeyStore | None = None,
        *,
        throttle: Throttle | None = None,
    ) -> None:
        self.users = users
        self.api_keys = api_keys
        self.throttle = throttle or Throttle()
        self._memory = _Memory()
        self._generation: object = None  # the users the remembered outcomes were checked with
        self._checking = threading.Lock()  # slow checks run one at a time

    def __repr__(self) -> str:
        return f"<Authenticator users={self.users!r} api_keys={self.api_keys is not None}>"

    def remembered(self, authorization: str | None) -> Principal | None:
        """The principal of credentials checked recently and found right; cheap, never blocks
        on a slow check: a server can call it on its event loop."""
        try:
            credentials = _parse(authorization, "")
        except AuthenticationFailed:
            return None
        if credentials.scheme != "basic":
            return None
        self._forget_if_users_changed()
        found, principal = self._memory.get(self._memory.key(credentials))
        return principal if found else None

    def authenticate(self, authorization: str | None, *, peer: str, request: str) -> Principal:
        """The principal ``authorization`` (a header's value) proves, or AuthenticationFailed.

        ``peer`` (``host:port``) is where the request came from, for the log and the throttle;
        ``request`` is what the reasons name (``POST /posts/_search``'s target).
        """
        try:
            credentials = _parse(authorization, request)
            principal = self._check(credentials, request)
        except AuthenticationFailed as failure:
            address = _address(peer)
            failure.delay, count = self.throttle.failed(address)
            logger.warning(
                "authentication failed from %s for %s: %s (%d failures from %s in %g s)",
                peer,
                request,
                failure.reason,
                count,
                address,
                self.throttle.window,
            )
            raise
        return principal

    def _check(self, credentials: _Credentials, request: str) -> Principal:
        if credentials.scheme == "apikey":
            principal = None
            if self.api_keys is not None:
                principal = self.api_keys.authenticate(credentials.name, credentials.secret)
            if principal is None:
                raise AuthenticationFailed(
                    f"unable to authenticate with provided credentials and anonymous access "
                    f"is not allowed for this request: API key [{credentials.name}] is not "
                    "valid (unknown, invalidated or expired)"
                )
            return principal
        self._forget_if_users_changed()
        key = self._memory.key(credentials)
        found, principal = self._memory.get(key)
        if not found:
            with self._checking:
                found, principal = self._memory.get(key)  # checked while this one waited
                if not found:
                    right = self.users is not None and self.users.check(
                        credentials.name, credentials.secret
                    )
                    principal = Principal(credentials.name, "file") if right else None
                    self._memory.put(key, principal)
        if principal is None:
            raise AuthenticationFailed(
                f"unable to authenticate user [{credentials.name}] for REST request [{request}]"
            )
        return principal

    def _forget_if_users_changed(self) -> None:
        if self.users is None:
            return
        users = self.users.load()  # the same dict until the file changes
        if users is not self._generation:
            self._memory.clear()
            self._generation = users


def _parse(authorization: str | None, request: str) -> _Credentials:
    scheme, _, value = (authorization or "").strip().partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme == "bearer":
        raise AuthenticationFailed(
            "bearer tokens are not supported by this server: use basic authentication or an API key"
        )
    if scheme not in ("basic", "apikey") or not value:
        raise AuthenticationFailed(
            f"missing authentication credentials for REST request [{request}]"
        )
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise AuthenticationFailed(
            f"invalid {'basic' if scheme == 'basic' else 'ApiKey'} authentication header encoding"
        ) from None
    name, sep, secret = decoded.partition(":")
    if not sep or not name:
        raise AuthenticationFailed(
            f"invalid {'basic' if scheme == 'basic' else 'ApiKey'} authentication header value"
        )
    return _Credentials(scheme, name, secret)


def _address(peer: str) -> str:
    """The host of ``host:port`` (an IPv6 address keeps its colons)."""
    host, sep, port = peer.rpartition(":")
    return host.strip("[]") if sep and port.isdigit() else peer


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` reaches this machine only."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a name other than localhost: it may resolve anywhere
        return False


def check_exposure(host: str, *, authenticated: bool, allowed: bool, program: str) -> None:
    """Refuse (ValueError) to serve ``host`` beyond loopback with no authentication, unless
    the operator said so (``--allow-unauthenticated``): anyone who can reach the port could
    then read and delete every index."""
    if authenticated or allowed or is_loopback(host):
        return
    raise ValueError(
        f"{program}: refusing to listen on {host} without authentication: anyone who can reach "
        "it could read, change and delete every index. Give --users FILE (users are added with "
        "'djangoes-embedded users add'), listen on 127.0.0.1, or pass --allow-unauthenticated "
        "if something else (a firewall, a private network) keeps others out"
    )
