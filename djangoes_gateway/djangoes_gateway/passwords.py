"""Salted, slow password hashes: what a users file keeps instead of a password.

scrypt from the standard library, its cost in the hash (``scrypt$N$r$p$salt$hash``, salt and
hash in base64) so that stronger parameters can come later without breaking old files. One
check costs tens of milliseconds of CPU by design: :mod:`.authentication` caches the
verifications that succeed so that a client's every request does not pay it again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

__all__ = ["ALGORITHM", "check_password", "is_password_hash", "make_password"]

ALGORITHM = "scrypt"
#: scrypt's interactive-login cost (N, r, p): about 16 MB and 50 ms of one core per check.
COST = (2**14, 8, 1)
SALT_BYTES = 16
HASH_BYTES = 32
#: Memory scrypt may take: its need (128 * N * r bytes), with room to spare.
MAX_MEMORY = 64 * 1024 * 1024


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, maxmem=MAX_MEMORY, dklen=HASH_BYTES
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def make_password(password: str) -> str:
    """The salted hash of ``password``, as a users file keeps it."""
    salt = secrets.token_bytes(SALT_BYTES)
    n, r, p = COST
    return f"{ALGORITHM}${n}${r}${p}${_b64(salt)}${_b64(_scrypt(password, salt, n, r, p))}"


def check_password(password: str, encoded: str) -> bool:
    """Whether ``password`` is the one ``encoded`` was made from (False for a malformed hash)."""
    try:
        algorithm, n, r, p, salt, digest = encoded.split("$")
        if algorithm != ALGORITHM:
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = _scrypt(password, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except ValueError:  # wrong field count, bad base64, bad numbers, parameters scrypt refuses
        return False
    return hmac.compare_digest(actual, expected)


def is_password_hash(encoded: str) -> bool:
    """Whether ``encoded`` has the shape of a hash :func:`make_password` makes."""
    fields = encoded.split("$")
    return len(fields) == 6 and fields[0] == ALGORITHM and all(f.isdigit() for f in fields[1:4])
