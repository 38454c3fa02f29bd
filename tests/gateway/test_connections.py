"""The connection policy on its own: no sockets, no threads, the time given by the test.

Both the gateways' threaded server and the engine's asyncio server follow it; their own tests
(test_serving, tests/embedded/test_server_limits) drive it with real connections.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from djangoes_gateway.connections import (
    BUSY,
    IDLE,
    READING,
    REFUSED,
    REFUSING,
    WARN_EVERY,
    ConnectionTable,
)


class Table(ConnectionTable[str]):
    """A table of connections named by strings, remembering what it closed and why."""

    def __init__(
        self,
        max_connections: int = 3,
        idle_timeout: float | None = 10.0,
        read_timeout: float | None = 2.0,
        **options: Any,
    ) -> None:
        self.shut: list[tuple[str, str]] = []
        super().__init__(
            max_connections,
            idle_timeout,
            read_timeout,
            lambda connection, reason: self.shut.append((connection, reason)),
            **options,
        )


def test_a_connection_goes_from_reading_to_busy_to_idle() -> None:
    table = Table()
    assert table.admit("a", 0.0) == READING
    assert table.move("a", BUSY, 1.0)
    assert (table.state("a"), table.open) == (BUSY, 1)
    assert table.move("a", IDLE, 2.0)
    table.closed("a")
    assert (table.state("a"), table.open) == (None, 0)
    assert not table.move("a", BUSY, 3.0)  # gone: no request may run for it


def test_at_the_cap_the_connection_waiting_the_longest_is_evicted() -> None:
    table = Table(max_connections=3)
    for name, now in (("idle", 0.0), ("reading", 1.0), ("busy", 2.0)):
        table.admit(name, now)
    table.move("idle", IDLE, 1.5)  # idle since 1.5, reading since 1.0: reading goes first
    table.move("busy", BUSY, 2.5)
    assert table.admit("new", 3.0) == READING
    assert table.shut == [("reading", "evicted")]
    assert table.admit("newer", 3.5) == READING
    assert table.shut[-1] == ("idle", "evicted")
    assert table.stats()["evicted"] == 2
    assert table.peak == table.open == 3


def test_on_a_tie_the_idle_connection_goes_before_the_reading_one() -> None:
    table = Table(max_connections=2)
    table.admit("reading", 1.0)
    table.admit("idle", 0.0)
    table.move("idle", IDLE, 1.0)
    table.admit("new", 2.0)
    assert table.shut == [("idle", "evicted")]


def test_when_every_connection_is_busy_newcomers_are_refused() -> None:
    table = Table(max_connections=1, max_refusing=1)
    table.admit("busy", 0.0)
    table.move("busy", BUSY, 0.0)
    assert table.admit("first", 1.0) == REFUSING  # told so, then closed
    assert table.admit("second", 1.0) == REFUSED  # closed at once
    assert not table.move("first", BUSY, 1.5)  # a connection being refused never runs anything
    assert table.stats()["refused"] == 2
    assert (table.open, table.shut) == (1, [])


def test_the_sweep_cuts_only_what_overstayed() -> None:
    table = Table(max_connections=10, idle_timeout=10.0, read_timeout=2.0, max_refusing=5)
    table.admit("slow", 0.0)  # owes its first request by 2.0
    table.admit("idle", 0.0)
    table.move("idle", IDLE, 1.0)  # idle until 11.0
    table.admit("busy", 0.0)
    table.move("busy", BUSY, 1.0)  # never cut for running a request
    table.sweep(1.9)
    assert table.shut == []
    table.sweep(2.0)
    assert table.shut == [("slow", "read timeout")]
    table.sweep(100.0)
    assert table.shut[1:] == [("idle", "idle")]
    stats = table.stats()
    assert (stats["read_timeouts"], stats["idle_timeouts"], stats["open"]) == (1, 1, 1)


def test_no_timeout_means_never() -> None:
    table = Table(idle_timeout=None, read_timeout=None)
    table.admit("a", 0.0)
    table.sweep(10.0**9)
    assert table.shut == []
    assert table.tick == 1.0


def test_cutting_when_stopping_spares_the_busy_until_asked() -> None:
    table = Table(max_connections=5, max_refusing=1)
    for name in ("idle", "reading", "busy"):
        table.admit(name, 0.0)
    table.move("idle", IDLE, 0.0)
    table.move("busy", BUSY, 0.0)
    table.cut_waiting()
    assert sorted(table.shut) == [("idle", "stopping"), ("reading", "stopping")]
    table.cut_all()
    assert table.shut[-1] == ("busy", "stopping")
    table.cut("busy", "stopping")  # gone already: not closed twice
    assert len(table.shut) == 3


def test_shedding_load_is_said_at_most_once_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    table = Table(max_connections=1, name="test-server")
    with caplog.at_level(logging.WARNING, logger="djangoes_gateway.connections"):
        for now in range(100):
            table.admit(f"c{now}", float(now))
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 100 // WARN_EVERY + 1
    assert warnings[0].startswith("test-server: at the cap of 1 connections")
    assert "61 evicted" in warnings[1]  # with the counts so far


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_connections": 0}, "max_connections must be at least 1, not 0"),
        ({"idle_timeout": 0.0}, "idle_timeout must be positive"),
        ({"read_timeout": -1.0}, "read_timeout must be positive"),
    ],
)
def test_options_out_of_range_are_refused(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Table(**options)
