"""Brute force against the engine's server: 200 connections sending wrong passwords do not
starve an authenticated client. Each refusal is delayed (the authenticator's throttle) on the
event loop, where a waiting connection costs no thread, and the slow password checks run in a
thread of their own, so the 32 request threads stay free for the client whose credentials
were checked already. bench/auth_flood.py measures the client's latency with and without it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from djangoes_engine import Engine
from djangoes_engine.api_keys import ApiKeys
from djangoes_engine.server import start_in_thread
from djangoes_gateway.authentication import Authenticator
from djangoes_gateway.users import UsersFile

from .engine_servers import PASSWORD, USER, make_users
from .flood import Flood

pytestmark = pytest.mark.slow


def test_a_flood_of_wrong_passwords_does_not_starve_an_authenticated_client(
    tmp_path: Path,
) -> None:
    users = UsersFile(make_users(tmp_path / "users"))
    engine = Engine()
    server = start_in_thread(engine.handle, authenticator=Authenticator(users, ApiKeys()))
    client = Elasticsearch(
        server.url, basic_auth=(USER, PASSWORD), max_retries=0, request_timeout=60
    )
    try:
        client.index(index="posts", id="1", document={"title": "flood"}, refresh=True)
        with Flood("127.0.0.1", server.port, USER, connections=200) as flood:
            deadline = time.monotonic() + 60
            while flood.answered() == 0 and time.monotonic() < deadline:
                time.sleep(0.05)  # the flood's first refusals: it is in full swing
            while server.stats()["open"] < 200 and time.monotonic() < deadline:
                time.sleep(0.05)  # the kernel accepted them all: the server's loop soon will
            assert server.stats()["open"] >= 200
            for _ in range(50):
                found = client.search(index="posts", query={"match": {"title": "flood"}})
                assert found["hits"]["total"]["value"] == 1
            client.index(index="posts", id="2", document={"title": "during"}, refresh=True)
            assert client.count(index="posts")["count"] == 2
            flood.stop()
            assert set(flood.statuses) == {401}, flood.statuses
            assert flood.statuses[401] >= 1
            assert not flood.errors, flood.errors
    finally:
        client.close()
        server.stop(force=True)
        engine.close()
