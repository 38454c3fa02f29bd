"""Fixtures of the reliability suite, and the figures it measures.

Every test records what it measured with the ``figures`` fixture; at the end of the run the
figures are written to ``reports/reliability-figures.txt`` (a line per test) and ``.json``
(``$DJANGOES_FIGURES_DIR`` instead of ``reports/`` if set), so that ``docs/reliability.md`` can
quote them, and one line of the terminal summary says where. They travel in the test reports,
so a run with pytest-xdist writes them too.

The transports are the ones of the transport contract (``tests/transports``): the same
``ES_SERVERS`` entries reach the embedded engine over HTTP (urllib3 or requests) or through a
thrift or memcached gateway, here in front of an engine served from its own process.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from djangoes import ConnectionHandler
from tests.endpoints import NETWORK_ENDPOINTS

from ..embedded.servers import serve
from ..transports.memcached_gateways import memcached_embedded_endpoint, memcached_http_endpoint
from ..transports.thrift_gateways import thrift_embedded_endpoint, thrift_http_endpoint
from .netfaults import Proxy, port_of, with_port

__all__ = [
    "memcached_embedded_endpoint",
    "memcached_http_endpoint",
    "thrift_embedded_endpoint",
    "thrift_http_endpoint",
]

#: Every transport djangoes ships that has a server to fail, as ``tests/transports`` names them.
TRANSPORTS = NETWORK_ENDPOINTS
#: The transports whose server is plain HTTP (a test may put an HTTP proxy in front).
HTTP_TRANSPORTS = ["http", "requests"]
#: One way through each node class, for the heavier tests (the gateways' ``-embedded``
#: variants use the same node classes as their ``-http`` ones).
NODE_CLASSES = ["http", "requests", "thrift-http", "memcached-http"]
#: The gateways the project ships, each in front of the engine's HTTP server.
GATEWAYS = ["thrift-http", "memcached-http"]

_PREFIX = "reliability:"
#: Where the figures are written, unless ``$DJANGOES_FIGURES_DIR`` says elsewhere.
REPORTS_DIR = Path(__file__).resolve().parents[2] / "reports"
FIGURES_DIR_ENV = "DJANGOES_FIGURES_DIR"
FIGURES: dict[str, dict[str, Any]] = {}


@pytest.fixture
def figures(record_property: Callable[[str, object], None]) -> Callable[..., None]:
    """``figures(name, key=value, ...)``: record what a test measured, for the report."""

    def record(name: str, **values: Any) -> None:
        record_property(_PREFIX + name, values)

    return record


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        for name, values in report.user_properties:
            if name.startswith(_PREFIX):
                FIGURES[name.removeprefix(_PREFIX)] = values


def write_figures(figures: dict[str, dict[str, Any]], directory: Path) -> tuple[Path, Path]:
    """``reliability-figures.txt`` (``name: key=value, ...`` lines) and ``.json`` in
    ``directory``; their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    text, data = directory / "reliability-figures.txt", directory / "reliability-figures.json"
    lines = []
    for name, values in sorted(figures.items()):
        lines.append(f"{name}: " + ", ".join(f"{key}={value}" for key, value in values.items()))
    text.write_text("\n".join(lines) + "\n")
    data.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    return text, data


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if not FIGURES:
        return
    directory = Path(os.environ.get(FIGURES_DIR_ENV) or REPORTS_DIR)
    text, data = write_figures(FIGURES, directory)
    terminalreporter.write_line(
        f"djangoes reliability figures ({len(FIGURES)}): {text} (and {data.name})"
    )


@pytest.fixture(scope="session")
def engine_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The "Elasticsearch" of this suite: ``djangoes-embedded serve`` in its own process.

    It replaces the in-thread server of ``tests/transports`` here (the endpoints and gateways
    that fixture feeds follow), so that 32 client threads and the server do not share one
    interpreter, as they never would in production.
    """
    log = tmp_path_factory.mktemp("engine") / "stderr.log"
    with log.open("w") as stderr:
        process, url = serve(stderr=stderr)
        yield url
        process.terminate()
        process.wait(30)


@pytest.fixture
def transport_endpoint(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The ``ES_SERVERS`` entry of the transport a test is parametrised with (``transport``).

    A transport whose fixture is not ready yet (a gateway still being written) is skipped,
    saying which.
    """
    name: str = request.param
    try:
        return request.getfixturevalue(name.replace("-", "_") + "_endpoint")
    except pytest.skip.Exception as skipped:
        pytest.skip(f"the {name} endpoint of tests/transports is not usable yet: {skipped.msg}")


@pytest.fixture
def transport_name(request: pytest.FixtureRequest) -> str:
    """The name of the transport a test is parametrised with (``http``, ``thrift-http``...)."""
    return request.node.callspec.params["transport_endpoint"]


@contextmanager
def behind_a_proxy(
    endpoint: dict[str, Any], index: str
) -> Iterator[tuple[ConnectionHandler, Proxy]]:
    """A handler whose ``default`` connection, on one index (created), reaches ``endpoint``'s
    server through a counting proxy."""
    host = endpoint["HOSTS"][0]
    with Proxy(port_of(host)) as proxy:
        server = {**endpoint, "HOSTS": [with_port(host, proxy.port)], "INDICES": ["docs"]}
        handler = ConnectionHandler(servers={"default": server}, indices={"docs": {"NAME": index}})
        handler["default"].client.indices.create(index=index)
        yield handler, proxy
