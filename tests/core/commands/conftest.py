"""Fixtures of the commands, checks and rebuild tests: settings that use a real server (the
``server_url`` and ``prefix`` fixtures of ``tests/core``).

Every test gets its own index names (a unique prefix), and ``"djangoes"`` in INSTALLED_APPS, as
a project that uses the commands has it. A rebuild waits longer than ``ES_REBUILD_TTL`` before
it copies: the tests set it small.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from djangoes_engine.engines import close_engine

from .helpers import TTL, blog_indices


@pytest.fixture(params=["http", "in-process"])
def server(request: pytest.FixtureRequest, server_url: str) -> Iterator[dict[str, Any]]:
    """An ES_SERVERS entry (without INDICES): over HTTP, or the engine in this process."""
    if request.param == "http":
        yield {"ENGINE": "http", "HOSTS": [server_url]}
        return
    name = f"commands-{uuid.uuid4().hex}"
    yield {"ENGINE": "embedded", "PARAMS": {"name": name}}
    close_engine(name=name)


@pytest.fixture
def settings_of(server: dict[str, Any], prefix: str):
    """``settings_of(**blog)``: override_settings for a 'default' connection serving 'blog'
    (with ``blog`` as its extra settings) and 'books'."""

    def make(**blog: Any) -> override_settings:
        return override_settings(
            INSTALLED_APPS=["djangoes"],
            ES_SERVERS={"default": {**server, "INDICES": ["blog", "books"]}},
            ES_INDICES=blog_indices(prefix, **blog),
            ES_REBUILD_TTL=TTL,
            # The in-process engine lives as long as the test, not as the command: its warning
            # (tests/core/commands/test_ephemeral.py) would only add to each output.
            SILENCED_SYSTEM_CHECKS=["djangoes.W012"],
        )

    return make


@pytest.fixture
def configured(settings_of) -> Iterator[None]:
    with settings_of():
        yield
