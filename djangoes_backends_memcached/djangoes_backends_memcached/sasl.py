"""SASL on the gateway's binary protocol, as memcached does it (``memcached -S``).

A client lists the mechanisms (``SASL_LIST_MECHS``: only ``PLAIN`` here), then sends
``SASL_AUTH`` with ``authzid NUL authcid NUL password``; the gateway checks the user and the
password against its users file with the :class:`~djangoes_gateway.authentication.Authenticator`
every server shares (so a failure is logged without the password and answered late, as over
HTTP) and answers ``Authenticated`` or status 0x20. Until a connection has authenticated, every
command but these and ``VERSION`` is answered 0x20, as memcached answers it.
"""

from __future__ import annotations

import base64
import time

from djangoes_gateway.authentication import AuthenticationFailed, Authenticator, Principal

__all__ = ["LIST_MECHS", "MECHANISM", "MECHANISMS", "OPCODES", "STEP", "plain"]

LIST_MECHS, AUTH, STEP = 0x20, 0x21, 0x22
OPCODES = frozenset({LIST_MECHS, AUTH, STEP})
#: The one mechanism a ``SASL_AUTH`` may name.
MECHANISM = b"PLAIN"
#: What ``SASL_LIST_MECHS`` answers: the mechanisms, each followed by a space. libmemcached
#: 1.0.16 (pylibmc's wheels) reads the list into a buffer it never terminates and hands it to
#: libsasl2 as a C string: whatever its stack held runs on after the last byte, and a letter
#: there glued onto "PLAIN" made a mechanism no one has (its login failed, now and then, with
#: "FAILED TO SEND AUTHENTICATION"). The space ends the name; libsasl2 skips what follows.
MECHANISMS = MECHANISM + b" "
#: What the log and the authenticator's reasons call the request.
REQUEST = "SASL PLAIN"


def plain(
    authenticator: Authenticator, mechanism: bytes, payload: bytes, peer: str
) -> Principal | None:
    """The principal a ``SASL_AUTH`` proves, or None once the answer may go (a failure waits
    the authenticator's delay first, in the connection's own thread)."""
    try:
        return authenticator.authenticate(
            _authorization(mechanism, payload), peer=peer, request=REQUEST
        )
    except AuthenticationFailed as failure:
        time.sleep(failure.delay)
        return None


def _authorization(mechanism: bytes, payload: bytes) -> str | None:
    """The ``Authorization`` value (HTTP basic) of a PLAIN payload; None if it is no PLAIN one,
    which the authenticator refuses as missing credentials. An authorization identity other
    than the user's own is refused too: the gateway acts for no one else."""
    parts = payload.split(b"\0")
    if mechanism != MECHANISM or len(parts) != 3 or parts[0] not in (b"", parts[1]):
        return None
    if b":" in parts[1]:  # no user name has one: it would split the basic credentials elsewhere
        return None
    authcid, password = parts[1], parts[2]
    return "Basic " + base64.b64encode(authcid + b":" + password).decode("ascii")
