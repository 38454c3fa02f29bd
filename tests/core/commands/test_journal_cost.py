"""What the rebuild journal costs: nothing, unless an index of the connection may be rebuilt.

Requests are counted where the client library logs them, one record per request sent by a
node or connection (elastic-transport's ``elastic_transport.node`` logger, opensearch-py's
``opensearch``), over a real server: the embedded engine over HTTP, or in this process.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.test import override_settings

from djangoes import ConnectionHandler
from djangoes.rebuild import RebuildError, rebuild

from .helpers import TTL, run
from .test_journal import entries, start_rebuild

NODE_LOGGER = "elastic_transport.node"
#: opensearch-py's connections log ``METHOD URL [status:... request:...]`` on this one.
OPENSEARCH_LOGGER = "opensearch"


@contextmanager
def sent(caplog: pytest.LogCaptureFixture) -> Iterator[list[tuple[str, str]]]:
    """(method, path) of each request sent in the block, from elastic-transport's request log.

    That logger does not propagate: caplog's handler is put on it for the block. The first
    line of each record is ``> METHOD target HTTP/x``.
    """
    loggers = [logging.getLogger(name) for name in (NODE_LOGGER, OPENSEARCH_LOGGER)]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(caplog.handler)
        logger.setLevel(logging.DEBUG)
    caplog.clear()
    requests: list[tuple[str, str]] = []
    try:
        yield requests
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
            logger.removeHandler(caplog.handler)
    seen = {id(r): r for r in caplog.records}.values()  # propagated records come once
    for record in seen:
        if record.name == NODE_LOGGER:
            requests.append((record.args[0], record.args[1]))
        elif record.name == OPENSEARCH_LOGGER and "[status:" in record.msg:
            url = urlsplit(record.args[1])
            requests.append((record.args[0], url.path + (f"?{url.query}" if url.query else "")))


def handler_for(server: dict[str, Any], prefix: str, **blog: Any) -> ConnectionHandler:
    indices = {"blog": {"NAME": f"{prefix}blog", "ALIASES": [f"{prefix}b"], **blog}}
    handler = ConnectionHandler(
        servers={"default": {**server, "INDICES": ["blog"]}}, indices=indices
    )
    handler["default"].client.indices.create(index=f"{prefix}blog", aliases={f"{prefix}b": {}})
    return handler


def test_a_write_with_no_rebuild_configured_sends_exactly_one_request(
    server: dict[str, Any], prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    connection = handler_for(server, prefix)["default"]
    assert connection.rebuilt_indices == {}

    with sent(caplog) as requests:
        connection.index(id="1", document={"title": "one"})

    assert requests == [("PUT", f"/{prefix}b/_doc/1")]


def test_no_write_method_looks_for_rebuilds_when_none_is_configured(
    server: dict[str, Any], prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    connection = handler_for(server, prefix)["default"]

    with sent(caplog) as requests:
        connection.index(id="1", document={"n": 1})
        connection.create(id="2", document={"n": 2})
        connection.update(id="1", doc={"n": 3})
        connection.bulk(operations=[{"index": {"_id": "3"}}, {"n": 4}])
        connection.delete(id="2")
        connection.delete_by_query(query={"match_all": {}}, refresh=True)

    assert len(requests) == 6
    assert [path for _, path in requests if "_alias" in path] == []


def test_with_a_rebuild_configured_writes_are_still_journaled(
    server: dict[str, Any], prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    connection = handler_for(server, prefix, REBUILD=True)["default"]
    assert list(connection.rebuilt_indices) == ["blog"]
    journal = start_rebuild(connection, prefix)  # as a running rebuild made it

    with override_settings(ES_REBUILD_TTL=TTL), sent(caplog) as requests:
        connection.index(id="1", document={"n": 1})

    method, path = requests[0]
    assert method == "GET" and path.startswith("/_alias/")  # the marker lookup
    write = requests.index(("PUT", f"/{prefix}b/_doc/1"))
    journal_writes = [n for n, (_, path) in enumerate(requests) if path.startswith("/_bulk")]
    assert journal_writes == [write - 1, write + 1]  # its intent before, its done entry after
    assert entries(connection, journal) == [("done", "1")]


def test_a_source_configures_a_rebuild(server: dict[str, Any], prefix: str) -> None:
    connection = handler_for(server, prefix, SOURCE="tests.nowhere.documents")["default"]
    assert list(connection.rebuilt_indices) == ["blog"]
    refused = handler_for(server, prefix + "x", SOURCE="tests.nowhere.documents", REBUILD=False)
    assert refused["default"].rebuilt_indices == {}


def test_importing_the_backends_does_not_import_the_rebuild() -> None:
    code = (
        "import sys, djangoes.backends.elasticsearch, djangoes.backends.abstracts\n"
        "print(sorted(m for m in sys.modules if m.startswith('djangoes.rebuild')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# Which indices may be rebuilt


def test_a_rebuild_of_an_index_without_rebuild_is_refused(configured: None) -> None:
    from djangoes import connections

    with pytest.raises(RebuildError, match=r"ES_INDICES\['books'\]\['REBUILD'\] is not True"):
        rebuild(connections["default"], "books")
    with pytest.raises(CommandError, match=r"ES_INDICES\['books'\] cannot be rebuilt"):
        run("es_indices", "rebuild", "books")


def test_rebuild_must_be_true_or_false() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"ES_INDICES\['blog'\]\['REBUILD'\] must be"):
        ConnectionHandler(servers={}, indices={"blog": {"REBUILD": "yes"}}).indices  # noqa: B018
