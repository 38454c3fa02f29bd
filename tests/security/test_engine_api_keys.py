"""The engine's ``_security`` API: API keys created, listed, invalidated and used as
Elasticsearch's, kept across a restart as a hash only, and ``_authenticate``."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest
from elasticsearch import (
    AuthenticationException,
    AuthorizationException,
    BadRequestError,
    Elasticsearch,
)

from djangoes_engine import Engine
from djangoes_engine.api_keys import ApiKeys, ApiKeysFileError
from djangoes_engine.server import start_in_thread
from djangoes_gateway.authentication import Authenticator, Principal
from djangoes_gateway.users import UsersFile

from .engine_servers import NO_DELAY, PASSWORD, USER, make_users


def serve_with_keys(data: Path | None, users: Path) -> tuple[Engine, object, Elasticsearch]:
    engine = Engine(path=None if data is None else str(data))
    keys = ApiKeys(None if data is None else str(data))
    server = start_in_thread(
        engine.handle, authenticator=Authenticator(UsersFile(users), keys, throttle=NO_DELAY)
    )
    return engine, server, Elasticsearch(server.url, basic_auth=(USER, PASSWORD), max_retries=0)


@pytest.fixture
def users(tmp_path: Path) -> Path:
    return make_users(tmp_path / "users")


def test_create_get_authenticate_invalidate(users: Path) -> None:
    engine, server, es = serve_with_keys(None, users)
    try:
        created = es.security.create_api_key(
            name="reporting",
            expiration="1d",
            role_descriptors={"reader": {"indices": [{"names": ["*"], "privileges": ["read"]}]}},
        ).body
        assert set(created) == {"id", "name", "api_key", "encoded", "expiration"}
        assert created["name"] == "reporting"
        pair = f"{created['id']}:{created['api_key']}"
        assert base64.b64decode(created["encoded"]).decode() == pair
        day = 24 * 3600 * 1000
        assert 0 < created["expiration"] - time.time() * 1000 <= day

        keyed = Elasticsearch(server.url, api_key=created["encoded"], max_retries=0)
        who = keyed.security.authenticate().body
        assert who["username"] == USER
        assert who["authentication_type"] == "api_key"
        assert who["authentication_realm"] == {"name": "_es_api_key", "type": "_es_api_key"}
        assert who["api_key"] == {"id": created["id"], "name": "reporting"}
        assert es.security.authenticate()["authentication_realm"] == {
            "name": "file",
            "type": "file",
        }

        [listed] = es.security.get_api_key(id=created["id"])["api_keys"]
        assert listed["name"] == "reporting" and listed["username"] == USER
        assert listed["invalidated"] is False and listed["expiration"] == created["expiration"]
        assert listed["role_descriptors"]["reader"]["indices"][0]["privileges"] == ["read"]
        assert created["api_key"] not in json.dumps(listed)
        assert es.security.get_api_key(name="rep*")["api_keys"] == [listed]
        assert es.security.get_api_key(owner=True)["api_keys"] == [listed]
        assert es.security.get_api_key(id="no-such-key")["api_keys"] == []
        with pytest.raises(BadRequestError, match="with_limited_by"):
            es.security.get_api_key(id=created["id"], with_limited_by=True)

        gone = es.security.invalidate_api_key(ids=[created["id"]]).body
        assert gone == {
            "invalidated_api_keys": [created["id"]],
            "previously_invalidated_api_keys": [],
            "error_count": 0,
        }
        again = es.security.invalidate_api_key(name="reporting").body
        assert again["previously_invalidated_api_keys"] == [created["id"]]
        with pytest.raises(AuthenticationException):
            keyed.info()
        assert es.security.get_api_key(id=created["id"])["api_keys"][0]["invalidated"] is True
        assert es.security.get_api_key(name="reporting", active_only=True)["api_keys"] == []
    finally:
        server.stop()  # type: ignore[attr-defined]
        engine.close()


def test_an_expired_key_is_refused(users: Path) -> None:
    engine, server, es = serve_with_keys(None, users)
    try:
        created = es.security.create_api_key(name="brief", expiration="1ms")
        time.sleep(0.01)
        keyed = Elasticsearch(server.url, api_key=created["encoded"], max_retries=0)
        with pytest.raises(AuthenticationException) as refused:
            keyed.info()
        assert created["id"] in str(refused.value.body["error"]["reason"])
    finally:
        server.stop()  # type: ignore[attr-defined]
        engine.close()


def test_a_key_cannot_create_keys_and_sees_only_itself(users: Path) -> None:
    engine, server, es = serve_with_keys(None, users)
    try:
        mine = es.security.create_api_key(name="mine")
        other = es.security.create_api_key(name="other")
        keyed = Elasticsearch(server.url, api_key=mine["encoded"], max_retries=0)
        with pytest.raises(AuthorizationException) as refused:
            keyed.security.create_api_key(name="derived")
        assert "users of the users file" in refused.value.body["error"]["reason"]
        assert [k["id"] for k in keyed.security.get_api_key(owner=True)["api_keys"]] == [mine["id"]]
        assert keyed.security.invalidate_api_key(ids=[other["id"]])["invalidated_api_keys"] == []
    finally:
        server.stop()  # type: ignore[attr-defined]
        engine.close()


def test_keys_survive_a_restart_as_hashes_only(users: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    engine, server, es = serve_with_keys(data, users)
    created = es.security.create_api_key(name="kept")
    server.stop()  # type: ignore[attr-defined]
    engine.close()
    stored = (data / "_security" / "api_keys.json").read_text()
    assert created["id"] in stored
    assert created["api_key"] not in stored and created["encoded"] not in stored
    engine, server, es = serve_with_keys(data, users)
    try:
        keyed = Elasticsearch(server.url, api_key=created["encoded"], max_retries=0)
        assert keyed.security.authenticate()["api_key"]["name"] == "kept"
    finally:
        server.stop()  # type: ignore[attr-defined]
        engine.close()


def test_a_damaged_keys_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "_security").mkdir()
    (tmp_path / "_security" / "api_keys.json").write_text("{not json")
    with pytest.raises(ApiKeysFileError, match=r"api_keys\.json"):
        ApiKeys(str(tmp_path))


def test_the_key_store_shows_no_secret() -> None:
    keys = ApiKeys()
    key, secret = keys.create(Principal(USER, "file"), "shown")
    assert secret not in repr(key) and key.digest not in repr(key)
    assert secret not in repr(keys)
    assert keys.authenticate(key.id, secret) == Principal(USER, "_es_api_key", key.id, "shown")
    assert keys.authenticate(key.id, secret + "x") is None
    assert keys.authenticate("unknown", secret) is None


def test_without_authentication_the_security_api_names_users(engine_url: str) -> None:
    """A server on loopback without --users authenticates no one: no keys to make, no one to
    say who is asking; a clear 400 rather than a 200 that means nothing."""
    es = Elasticsearch(engine_url, max_retries=0)
    for call in (
        es.security.authenticate,
        lambda: es.security.create_api_key(name="k"),
        lambda: es.security.get_api_key(owner=True),
        lambda: es.security.invalidate_api_key(ids=["x"]),
    ):
        with pytest.raises(BadRequestError) as refused:
            call()
        assert "--users" in refused.value.body["error"]["reason"]
        assert refused.value.body["error"]["type"] == "security_exception"
