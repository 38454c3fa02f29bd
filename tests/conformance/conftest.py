"""Fixtures and session hooks of the YAML REST conformance suite.

The client under test, in order of preference:

1. ``DJANGOES_CONFORMANCE_URL``: any Elasticsearch-compatible URL (a real cluster works too);
2. ``DJANGOES_CONFORMANCE_TRANSPORT=http``: the embedded engine behind its own HTTP server,
   started in a thread for the session;
3. otherwise the embedded engine in-process (``djangoes_backends_embedded.client()``).

At session end the outcomes are written to ``<repo>/reports/conformance.{json,md}`` and
summarised in pytest's terminal summary.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from elasticsearch import Elasticsearch

from .report import RESULTS_KEY, Results, summary_lines, write_reports
from .runner import REPO_ROOT

URL_ENV = "DJANGOES_CONFORMANCE_URL"
TRANSPORT_ENV = "DJANGOES_CONFORMANCE_TRANSPORT"
REPORTS_DIR = REPO_ROOT / "reports"
_PATHS_KEY = pytest.StashKey[tuple[Path, Path]]()


def redact(url: str) -> str:
    """The URL without credentials, for the report."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _unavailable(exc: ImportError) -> None:
    pytest.skip(
        f"needs the embedded engine ({type(exc).__name__}: {exc}): install the workspace with "
        f"its extras (uv sync --all-packages --all-extras), or set {URL_ENV} to a cluster's URL"
    )


def _http_engine(results: Results) -> Iterator[Elasticsearch]:
    """The embedded engine served over HTTP on a free local port."""
    try:
        from djangoes_engine import Engine
        from djangoes_engine.server import start_in_thread
    except ImportError as exc:
        _unavailable(exc)
    server: Any = start_in_thread(Engine().handle, "127.0.0.1", 0)
    results.target = f"embedded engine over HTTP ({server.url})"
    client = Elasticsearch(server.url)
    try:
        yield client
    finally:
        client.close()
        server.stop()


def _in_process_engine(results: Results) -> Iterator[Elasticsearch]:
    try:
        from djangoes_backends_embedded import client as embedded_client
    except ImportError as exc:
        _unavailable(exc)
    results.target = "embedded engine in-process"
    client = embedded_client()
    try:
        yield client
    finally:
        client.close()


@pytest.fixture(scope="session")
def conformance_client(request: pytest.FixtureRequest) -> Iterator[Elasticsearch]:
    """The ``Elasticsearch`` client the YAML cases run against (see the module docstring)."""
    results = request.config.stash[RESULTS_KEY]
    url = os.environ.get(URL_ENV)
    if url:
        results.target = redact(url)
        client = Elasticsearch(url)
        try:
            yield client
        finally:
            client.close()
    elif os.environ.get(TRANSPORT_ENV, "").lower() == "http":
        yield from _http_engine(results)
    else:
        yield from _in_process_engine(results)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[RESULTS_KEY] = Results()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write the reports when at least one case ran (a skipped engine writes nothing)."""
    results = session.config.stash.get(RESULTS_KEY, None)
    if results and results.outcomes:
        session.config.stash[_PATHS_KEY] = write_reports(results, REPORTS_DIR)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    results = config.stash.get(RESULTS_KEY, None)
    if not results or not results.outcomes:
        return
    terminalreporter.section("YAML REST conformance")
    for line in summary_lines(results):
        terminalreporter.write_line(line)
    paths = config.stash.get(_PATHS_KEY, None)
    if paths:
        terminalreporter.write_line("reports: " + ", ".join(str(p) for p in paths))
