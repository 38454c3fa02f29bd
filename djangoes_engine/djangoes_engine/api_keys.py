"""The server's API keys, as Elasticsearch's ``_security/api_key`` API manages them.

A key is a random id and a random secret; only a SHA-256 of the secret is kept (the secret is
128 random bits: no salt or slow hash is needed to make guessing it hopeless), with the key's
name, owner, creation, expiration and whether it was invalidated. With a data directory the
keys are kept in ``<data>/_security/api_keys.json`` (written whole through a rename, so a crash
leaves the old file or the new one) and survive a restart; without one they live in memory.

Checking a key (:meth:`ApiKeys.authenticate`) is a hash and a lookup under a lock held for no
more than that, so the server does it on its event loop; the file is written outside that lock.
"""

from __future__ import annotations

import fnmatch
import hashlib
import hmac
import os
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from djangoes_gateway.authentication import Principal

from .store import read_json, write_json_atomic

__all__ = ["API_KEY_REALM", "ApiKey", "ApiKeys", "ApiKeysFileError"]

#: The realm Elasticsearch reports for API key authentication.
API_KEY_REALM = "_es_api_key"
FILE_NAME = os.path.join("_security", "api_keys.json")


class ApiKeysFileError(ValueError):
    """The keys file cannot be read: the message names it."""


@dataclass(frozen=True)
class ApiKey:
    """One key, without its secret: what listing it shows, and the secret's hash."""

    id: str
    name: str
    username: str
    realm: str
    creation: int  # milliseconds since the epoch, as Elasticsearch reports it
    expiration: int | None
    invalidated: bool
    invalidation: int | None
    digest: str  # SHA-256 of the secret, hex
    role_descriptors: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<ApiKey {self.id} {self.name!r} of {self.username!r}>"

    def expired(self, now_ms: int) -> bool:
        return self.expiration is not None and self.expiration <= now_ms

    def info(self) -> dict[str, Any]:
        """The key as ``GET _security/api_key`` lists it: never the secret nor its hash."""
        shown: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "type": "rest",
            "creation": self.creation,
            "invalidated": self.invalidated,
            "username": self.username,
            "realm": self.realm,
            "realm_type": self.realm,
            "metadata": self.metadata,
            "role_descriptors": self.role_descriptors,
        }
        if self.expiration is not None:
            shown["expiration"] = self.expiration
        if self.invalidation is not None:
            shown["invalidation"] = self.invalidation
        return shown


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def now_ms() -> int:
    return int(time.time() * 1000)


class ApiKeys:
    """The keys of one server: created, listed, invalidated, checked; kept in ``data_path``."""

    def __init__(self, data_path: str | os.PathLike[str] | None = None) -> None:
        self.path = None if data_path is None else os.path.join(os.fspath(data_path), FILE_NAME)
        self._lock = threading.Lock()  # the keys in memory
        self._writing = threading.Lock()  # the file, written outside the keys' lock
        self._keys: dict[str, ApiKey] = self._read()

    def __repr__(self) -> str:
        return f"<ApiKeys {self.path or 'in memory'}: {len(self._keys)} keys>"

    def _read(self) -> dict[str, ApiKey]:
        if self.path is None or not os.path.exists(self.path):
            return {}
        try:
            return {entry["id"]: ApiKey(**entry) for entry in read_json(self.path)["api_keys"]}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ApiKeysFileError(
                f"cannot read the API keys file {self.path}: {type(exc).__name__}"
            ) from None

    def _save(self) -> None:
        if self.path is None:
            return
        with self._writing:
            with self._lock:
                entries = [asdict(key) for key in self._keys.values()]
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            write_json_atomic(self.path, {"api_keys": entries})

    def create(
        self,
        owner: Principal,
        name: str,
        expiration: int | None = None,
        role_descriptors: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> tuple[ApiKey, str]:
        """A new key of ``owner`` expiring at ``expiration`` (ms since the epoch), and its
        secret: the only time the secret is known."""
        secret = secrets.token_urlsafe(16)
        with self._lock:
            key_id = secrets.token_urlsafe(15)
            while key_id in self._keys:
                key_id = secrets.token_urlsafe(15)
            key = ApiKey(
                id=key_id,
                name=name,
                username=owner.username,
                realm=owner.realm,
                creation=now_ms(),
                expiration=expiration,
                invalidated=False,
                invalidation=None,
                digest=_digest(secret),
                role_descriptors=role_descriptors or {},
                metadata=metadata or {},
            )
            self._keys[key_id] = key
        self._save()
        return key, secret

    def authenticate(self, key_id: str, key: str) -> Principal | None:
        """The owner of a valid key (as :class:`ApiKeyStore` asks), else None."""
        with self._lock:
            found = self._keys.get(key_id)
        if found is None or found.invalidated or found.expired(now_ms()):
            return None
        if not hmac.compare_digest(found.digest, _digest(key)):
            return None
        return Principal(found.username, API_KEY_REALM, found.id, found.name)

    def find(
        self,
        *,
        ids: list[str] | None = None,
        name: str | None = None,
        username: str | None = None,
        realm: str | None = None,
        active_only: bool = False,
    ) -> list[ApiKey]:
        """The keys matching every filter given (``name`` may hold ``*`` wildcards)."""
        now = now_ms()
        with self._lock:
            keys = list(self._keys.values())
        return [
            key
            for key in sorted(keys, key=lambda k: k.creation)
            if (ids is None or key.id in ids)
            and (name is None or fnmatch.fnmatchcase(key.name, name))
            and (username is None or key.username == username)
            and (realm is None or key.realm == realm)
            and not (active_only and (key.invalidated or key.expired(now)))
        ]

    def invalidate(self, keys: list[ApiKey]) -> tuple[list[str], list[str]]:
        """Invalidate ``keys``: the ids invalidated now, and those that already were."""
        now, done, before = now_ms(), [], []
        with self._lock:
            for key in keys:
                current = self._keys.get(key.id)
                if current is None:
                    continue
                if current.invalidated:
                    before.append(key.id)
                else:
                    self._keys[key.id] = replace(current, invalidated=True, invalidation=now)
                    done.append(key.id)
        if done:
            self._save()
        return done, before
