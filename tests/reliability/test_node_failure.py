"""Node failure: one good host, one refusing connections, one that accepts and never answers.

1,000 requests go through each transport with ``max_retries`` and ``retry_on_timeout`` set and
a small ``request_timeout``. Every request must succeed, and no request may be sent to a node
while the node pool has it marked dead (in its backoff) and another node is alive.

How sends to dead nodes are counted: the client is built by the connection's own backend, with
its node class subclassed to note every attempt (time, node) and its node pool subclassed to
note every ``mark_dead`` with the backoff elastic-transport gives it
(``min(dead_node_backoff_factor * 2 ** (failures - 1), max_dead_node_backoff)``). An attempt
on a node inside one of its backoff windows is a send to a dead node; an attempt after the
window is the pool's resurrection probe, which is expected. The black hole also counts the
connections it accepts: each attempt on it is a new connection (a timed-out connection is
dropped), so its count must equal the attempts the node class noted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from elastic_transport import BaseNode, ConnectionError, ConnectionTimeout, NodePool

from djangoes import ConnectionHandler

from .conftest import TRANSPORTS
from .netfaults import BlackHole, refusing_port, with_port

pytestmark = pytest.mark.slow

REQUESTS = 1000
REQUEST_TIMEOUT = 0.5
MAX_RETRIES = 3
PARAMS = {
    "max_retries": MAX_RETRIES,
    "retry_on_timeout": True,
    "request_timeout": REQUEST_TIMEOUT,
}
#: Trials of the all-down case, each on a fresh connection (a fresh node pool).
ALL_DOWN_TRIALS = 3


@dataclass
class Ledger:
    """What the client did, in time: each attempt on a node and each backoff it put one on."""

    #: (when, node, whether it failed)
    sends: list[tuple[float, str, bool]] = field(default_factory=list)
    backoffs: list[tuple[str, float, float]] = field(default_factory=list)

    def node_class(self, base: type[BaseNode]) -> type[BaseNode]:
        ledger = self

        class RecordingNode(base):  # type: ignore[valid-type,misc]
            def perform_request(self, *args: Any, **kwargs: Any) -> Any:
                sent = time.time()
                try:
                    response = super().perform_request(*args, **kwargs)
                except Exception:
                    ledger.sends.append((sent, self.base_url, True))
                    raise
                ledger.sends.append((sent, self.base_url, False))
                return response

        return RecordingNode

    def pool_class(self) -> type[NodePool]:
        ledger = self

        class RecordingNodePool(NodePool):
            def mark_dead(self, node: BaseNode, _now: float | None = None) -> None:
                now = time.time() if _now is None else _now
                super().mark_dead(node, _now=now)
                failures = self._dead_consecutive_failures[node.config]
                backoff = min(
                    self.dead_node_backoff_factor * 2 ** (failures - 1),
                    self.max_dead_node_backoff,
                )
                ledger.backoffs.append((node.base_url, now, now + backoff))

        return RecordingNodePool

    def dead_at(self, url: str, moment: float) -> bool:
        """Whether the pool had the node ``url`` in a backoff at ``moment``."""
        return any(node == url and start < moment < end for node, start, end in self.backoffs)

    def sends_to(self, url: str) -> int:
        return sum(1 for _, node, _ in self.sends if node == url)

    def failures(self) -> int:
        return sum(1 for _, _, failed in self.sends if failed)

    def analysis(self, urls: list[str]) -> dict[str, int]:
        """Attempts on a dead node while another was alive (a fault), with all dead (forced)."""
        dead_sends = forced = probes = 0
        for moment, url, _ in self.sends:
            if self.dead_at(url, moment):
                if all(self.dead_at(other, moment) for other in urls):
                    forced += 1
                else:
                    dead_sends += 1
            elif any(node == url and end <= moment for node, _, end in self.backoffs):
                probes += 1
        return {"dead_node_sends": dead_sends, "forced_sends": forced, "probes": probes}


def connection_of(endpoint: dict[str, Any], hosts: list[Any], ledger: Ledger, index: str) -> Any:
    """The ``default`` connection over ``endpoint``'s transport, on ``hosts``, instrumented."""
    handler = ConnectionHandler(
        servers={
            "default": {
                **endpoint,
                "HOSTS": hosts,
                "PARAMS": {**endpoint.get("PARAMS", {}), **PARAMS},
                "INDICES": ["docs"],
            }
        },
        indices={"docs": {"NAME": index}},
    )
    backend = handler.load_backend("default")
    backend.connection_class = ledger.node_class(backend.connection_class)
    backend.server = {
        **backend.server,
        "PARAMS": {**backend.server["PARAMS"], "node_pool_class": ledger.pool_class()},
    }
    backend.configure_client()
    return backend


def node_url(connection: Any, port: int) -> str:
    """The ``base_url`` the client gives the node on ``port``."""
    (url,) = [n.base_url for n in connection.transport.node_pool.all() if n.port == port]
    return url


@pytest.mark.parametrize("transport_endpoint", TRANSPORTS, indirect=True)
def test_one_good_node_one_refusing_one_black_hole(
    transport_endpoint: dict[str, Any], transport_name: str, prefix: str, figures: Any
) -> None:
    good = transport_endpoint["HOSTS"][0]
    refusing = refusing_port()
    ledger = Ledger()
    with BlackHole() as hole:
        hosts = [good, with_port(good, refusing), with_port(good, hole.port)]
        connection = connection_of(transport_endpoint, hosts, ledger, prefix + "docs")
        urls = [n.base_url for n in connection.transport.node_pool.all()]
        successes = errors = wrong = 0
        started = time.monotonic()
        for n in range(REQUESTS):
            try:
                if n % 2 == 0:
                    response = connection.index(id=str(n), document={"n": n})
                    ok = response["_id"] == str(n) and response["result"] == "created"
                else:
                    response = connection.get(id=str(n - 1))
                    ok = response["_source"] == {"n": n - 1}
            except Exception:
                errors += 1
            else:
                successes += ok
                wrong += not ok
        elapsed = time.monotonic() - started
        hole_accepted = hole.accepted
        connection.close()
    analysis = ledger.analysis(urls)
    hole_url, refusing_url = node_url(connection, hole.port), node_url(connection, refusing)
    figures(
        f"node-failure[{transport_name}]",
        requests=REQUESTS,
        successes=successes,
        errors=errors,
        wrong_answers=wrong,
        attempts=len(ledger.sends),
        attempts_refusing=ledger.sends_to(refusing_url),
        attempts_black_hole=ledger.sends_to(hole_url),
        black_hole_connections_accepted=hole_accepted,
        marked_dead=len(ledger.backoffs),
        seconds=round(elapsed, 2),
        **analysis,
    )
    assert (successes, errors, wrong) == (REQUESTS, 0, 0)
    assert analysis["dead_node_sends"] == 0
    # Both dead nodes were found dead, and each was tried again only as a resurrection probe.
    assert ledger.sends_to(refusing_url) >= 1
    assert ledger.sends_to(hole_url) >= 1
    assert hole_accepted == ledger.sends_to(hole_url)
    # Every failed attempt put its node on a backoff, and only those did.
    assert ledger.failures() == len(ledger.backoffs)


@pytest.mark.parametrize("transport_endpoint", TRANSPORTS, indirect=True)
def test_all_nodes_down_is_one_clear_error_quickly(
    transport_endpoint: dict[str, Any], transport_name: str, prefix: str, figures: Any
) -> None:
    """Three dead nodes (two refusing, one black hole): one connection error, within the
    retries' time, with the earlier attempts kept in ``errors``."""
    good = transport_endpoint["HOSTS"][0]
    bound = REQUEST_TIMEOUT * (MAX_RETRIES + 1) + 2.0
    times: list[float] = []
    kinds: set[str] = set()
    with BlackHole() as hole:
        hosts = [
            with_port(good, refusing_port()),
            with_port(good, refusing_port()),
            with_port(good, hole.port),
        ]
        for _ in range(ALL_DOWN_TRIALS):
            connection = connection_of(transport_endpoint, hosts, Ledger(), prefix + "docs")
            started = time.monotonic()
            with pytest.raises((ConnectionError, ConnectionTimeout)) as raised:
                connection.get(id="1")
            times.append(time.monotonic() - started)
            connection.close()
            error = raised.value
            kinds.add(type(error).__name__)
            assert len(error.errors) == MAX_RETRIES
            assert all(isinstance(e, ConnectionError | ConnectionTimeout) for e in error.errors)
    refusing_times: list[float] = []
    hosts = [with_port(good, refusing_port()) for _ in range(3)]
    for _ in range(ALL_DOWN_TRIALS):
        connection = connection_of(transport_endpoint, hosts, Ledger(), prefix + "docs")
        started = time.monotonic()
        with pytest.raises(ConnectionError):
            connection.get(id="1")
        refusing_times.append(time.monotonic() - started)
        connection.close()
    figures(
        f"all-down[{transport_name}]",
        trials=ALL_DOWN_TRIALS,
        with_black_hole_max_seconds=round(max(times), 3),
        with_black_hole_median_seconds=round(sorted(times)[len(times) // 2], 3),
        all_refusing_max_seconds=round(max(refusing_times), 3),
        error_types=sorted(kinds),
        bound_seconds=bound,
    )
    assert max(times) < bound
    assert max(refusing_times) < 2.0
