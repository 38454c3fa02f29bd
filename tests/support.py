"""What the tests of every folder share: free ports, handlers built from settings, unique names.

Listed in ``pytest_plugins`` (``tests/conftest.py``), so its fixtures reach every test; its
functions are imported from here (``from tests.support import free_port``), never from a
conftest.
"""

from __future__ import annotations

import socket
import uuid
from typing import Any

import pytest

from djangoes.backends.abstracts import Base
from djangoes.handler import ConnectionHandler


def free_port() -> int:
    """A port nothing listens on (bound, then released): connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_handler(
    servers: dict[str, Any], indices: dict[str, Any] | None = None
) -> ConnectionHandler:
    """A handler of its own (not Django's settings) for ``servers`` and ``indices``."""
    return ConnectionHandler(servers=servers, indices=indices or {})


def connection(server: dict[str, Any], indices: dict[str, Any] | None = None) -> Base:
    """The ``default`` connection to ``server``, on a handler of its own."""
    return make_handler({"default": server}, indices)["default"]


@pytest.fixture
def refused_port() -> int:
    return free_port()


@pytest.fixture
def prefix() -> str:
    """A unique index-name prefix, so tests sharing a server never see each other's data."""
    return f"t{uuid.uuid4().hex[:10]}-"
