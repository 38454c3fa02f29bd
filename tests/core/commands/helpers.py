"""Helpers of the commands, checks and rebuild tests."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command

from djangoes import ConnectionHandler
from djangoes.backends.library import plain

#: ES_REBUILD_TTL in these tests: rebuilds wait 1.25 times as long before they copy.
TTL = 0.05


def blog_indices(prefix: str, **blog: Any) -> dict[str, dict[str, Any]]:
    """'blog', which may be rebuilt (``REBUILD``), and 'books', which may not."""
    return {
        "blog": {
            "NAME": f"{prefix}blog",
            "ALIASES": [f"{prefix}blog-read"],
            "REBUILD": True,
            **blog,
        },
        "books": {"NAME": f"{prefix}books"},
    }


def handler_of(server: dict[str, Any], indices: dict[str, Any]) -> ConnectionHandler:
    """A handler of one 'default' connection serving ``indices``, each of which may be rebuilt
    unless it says otherwise (these are the rebuild's tests)."""
    indices = {key: {"REBUILD": True, **index} for key, index in indices.items()}
    return ConnectionHandler(
        servers={"default": {**server, "INDICES": list(indices)}}, indices=indices
    )


def run(name: str, *args: str, **options: Any) -> str:
    """Run a command as ``manage.py`` would; its output (stderr too)."""
    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=out, **options)
    return out.getvalue()


def create(connection: Any, key: str) -> str:
    """Create the index ``key`` of ``connection`` as configured; its NAME."""
    name = connection.server_indices[key]["NAME"]
    connection.client.indices.create(index=name, **connection.get_indices_with_settings()[name])
    return name


def documents(connection: Any, name: str) -> dict[str, Any]:
    """{id: source} of every document behind ``name``."""
    connection.client.indices.refresh(index=name)
    hits = connection.library.scan(connection.client, index=name)
    return {hit["_id"]: hit["_source"] for hit in hits}


def aliases_of(connection: Any, name: str) -> dict[str, Any]:
    """The get-alias answer for ``name``, as plain values (any client library)."""
    return dict(plain(connection.client.indices.get_alias(name=name)))
