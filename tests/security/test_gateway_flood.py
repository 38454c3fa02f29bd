"""A flood of wrong passwords on each gateway does not starve its users.

200 connections of the gateway's own transport (the djangoes backend, as a client would use
it) guess a user's password among 8 wrong ones, as fast as they are answered, while one client
with the right password indexes, reads and counts (from the first refused guess on: the flood
is on before the user starts). The gateways serve each connection in a
thread of its own, check passwords one at a time and remember what they checked, and delay each
refusal in the guesser's thread: the user's requests all succeed, and the guessers get 401s.
(The engine's server has its own: test_engine_flood.py.)
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import AuthenticationException

from djangoes_backends_memcached.server import start_in_thread as start_memcached
from djangoes_backends_thrift.server import start_in_thread as start_thrift
from djangoes_gateway.authentication import Authenticator
from djangoes_gateway.upstreams import HttpUpstream
from djangoes_gateway.users import UsersFile
from tests.support import connection as connect

from .conftest import PASSWORD, USER
from .test_memcached import SASL_READY

GUESSERS = 200
SERVED = 20


#: Each gateway: how to start it, and the ``ES_SERVERS`` entry of a client of it.
GATEWAYS: dict[str, tuple[Callable[..., Any], Callable[[int, str], dict[str, Any]]]] = {
    "thrift": (
        start_thrift,
        lambda port, password: {
            "ENGINE": "thrift",
            "HOSTS": [f"http://127.0.0.1:{port}"],
            "PARAMS": {"basic_auth": (USER, password), "max_retries": 0, "request_timeout": 60},
        },
    ),
    "memcached": (
        start_memcached,
        lambda port, password: {
            "ENGINE": "memcached",
            "HOSTS": [f"127.0.0.1:{port}"],
            "PARAMS": {"basic_auth": (USER, password), "max_retries": 0, "request_timeout": 60},
        },
    ),
}


class Guessers:
    """``GUESSERS`` threads, each with a connection of its own, guessing until stopped."""

    def __init__(self, settings: Callable[[str], dict[str, Any]]) -> None:
        self.settings = settings
        self.outcomes: Counter[str] = Counter()
        self.stopping = threading.Event()
        self.refused = threading.Event()  # the first 401: the flood is on
        self._lock = threading.Lock()
        self._started = threading.Barrier(GUESSERS + 1)
        self._threads = [
            threading.Thread(target=self._guess, args=(n,), daemon=True) for n in range(GUESSERS)
        ]

    def __enter__(self) -> Guessers:
        for thread in self._threads:
            thread.start()
        self._started.wait(60)
        assert self.refused.wait(60), "no guess was answered in 60 s"
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stopping.set()

    def join(self, timeout: float) -> None:
        for thread in self._threads:
            thread.join(timeout)

    def _guess(self, number: int) -> None:
        connection = connect(self.settings(f"guess-{number % 8}"))
        self._started.wait(60)
        try:
            while not self.stopping.is_set():
                try:
                    connection.client.info()
                    outcome = "served"
                except AuthenticationException:
                    outcome = "401"
                except Exception as error:  # the gateway stopped under it, at the end
                    outcome = type(error).__name__
                if not self.stopping.is_set():
                    with self._lock:
                        self.outcomes[outcome] += 1
                    if outcome == "401":
                        self.refused.set()
        finally:
            connection.close()


@pytest.mark.parametrize("kind", list(GATEWAYS))
def test_a_flood_of_wrong_passwords_does_not_starve_a_user(
    kind: str, upstream: HttpUpstream, users_file: Path, prefix: str
) -> None:
    if kind == "memcached" and not SASL_READY:
        pytest.skip("pylibmc's libsasl2 finds no PLAIN plugin (tests/security/test_memcached.py)")
    start, settings = GATEWAYS[kind]
    server = start(upstream, authenticator=Authenticator(UsersFile(users_file)))
    index = f"{prefix}flood"
    try:
        with Guessers(lambda password: settings(server.port, password)) as guessers:
            user = connect(settings(server.port, PASSWORD)).client
            for n in range(SERVED):
                user.index(index=index, id=str(n), document={"n": n})
                assert user.get(index=index, id=str(n))["_source"] == {"n": n}
            user.indices.refresh(index=index)
            assert user.count(index=index)["count"] == SERVED
            user.indices.delete(index=index)
            outcomes = dict(guessers.outcomes)
        server.stop(timeout=1.0)  # guessers still waiting out a delayed refusal are cut
        guessers.join(10)
    finally:
        server.stop(timeout=1.0)
    assert outcomes.get("401", 0) > 0, outcomes
    assert set(outcomes) == {"401"}, outcomes  # no guess got in, nothing else went wrong
