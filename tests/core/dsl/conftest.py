"""Fixtures of the DSL tests: settings on a real server, over HTTP or in this process.

Each test gets its own index names (``ES_INDICES['posts']['NAME']`` is ``<prefix>posts``), and
``"djangoes"`` in INSTALLED_APPS for the commands and checks.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from djangoes import connections
from djangoes.test.utils import teardown_djangoes
from djangoes_engine.engines import close_engine

#: ES_REBUILD_TTL in these tests: a rebuild waits 1.25 times as long before it copies.
TTL = 0.05


@pytest.fixture(params=["http", "in-process"])
def server(request: pytest.FixtureRequest, server_url: str) -> Iterator[dict[str, Any]]:
    """An ES_SERVERS entry (without INDICES): over HTTP, or the engine in this process."""
    if request.param == "http":
        yield {"ENGINE": "http", "HOSTS": [server_url]}
        return
    name = f"dsl-{uuid.uuid4().hex}"
    yield {"ENGINE": "embedded", "PARAMS": {"name": name}}
    close_engine(name=name)


def posts_indices(prefix: str, **posts: Any) -> dict[str, dict[str, Any]]:
    """'posts', created from PostDocument, and 'notes', with no settings at all."""
    return {
        "posts": {
            "NAME": f"{prefix}posts",
            "DOCUMENT": "tests.core.dsl.documents.PostDocument",
            **posts,
        },
        "notes": {"NAME": f"{prefix}notes"},
    }


@pytest.fixture
def settings_of(server: dict[str, Any], prefix: str):
    """``settings_of(**posts)``: override_settings for a 'default' connection serving 'posts'
    (``posts``: more of its ES_INDICES entry) and 'notes'."""

    def make(servers: dict[str, Any] | None = None, **posts: Any) -> override_settings:
        return override_settings(
            INSTALLED_APPS=["djangoes"],
            ES_SERVERS=servers or {"default": {**server, "INDICES": ["posts", "notes"]}},
            ES_INDICES=posts_indices(prefix, **posts),
            ES_REBUILD_TTL=TTL,
        )

    return make


@pytest.fixture
def configured(settings_of) -> Iterator[None]:
    with settings_of():
        yield


@pytest.fixture
def raw() -> Any:
    """The default connection's own client (no index filled in, no journal)."""
    return connections["default"].client


@pytest.fixture
def test_mode() -> Iterator[None]:
    """Test mode for the test; back to the live names after it."""
    from djangoes.test.utils import setup_djangoes

    setup_djangoes()
    yield
    teardown_djangoes()
