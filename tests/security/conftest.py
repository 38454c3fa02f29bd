"""What the gateways' security tests share: a users file with one user, and the engine's HTTP
server as the gateways' upstream."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from djangoes_gateway.upstreams import HttpUpstream
from djangoes_gateway.users import UsersFile

#: The one user of ``users_file``.
USER, PASSWORD = "alice", "correct horse battery staple"


@pytest.fixture(scope="module")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("memcached-users") / "users"
    UsersFile(path).set_password(USER, PASSWORD)
    return path


@pytest.fixture(scope="module")
def upstream(engine_url: str) -> Iterator[HttpUpstream]:
    target = HttpUpstream(engine_url)
    yield target
    target.close()
