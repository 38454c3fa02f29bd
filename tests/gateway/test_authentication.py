"""The servers' shared authentication: password hashes, the users file, the authenticator,
the throttle and the refusal to serve beyond loopback without authentication."""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from djangoes_gateway.authentication import (
    CHALLENGE,
    AuthenticationFailed,
    Authenticator,
    Principal,
    Throttle,
    check_exposure,
    is_loopback,
)
from djangoes_gateway.passwords import check_password, make_password
from djangoes_gateway.users import UsersFile, UsersFileError, check_username

PASSWORD = "correct horse battery staple"


def basic(name: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()


@pytest.fixture
def users(tmp_path):
    users = UsersFile(tmp_path / "users")
    users.set_password("alice", PASSWORD)
    return users


# --- passwords ------------------------------------------------------------------------------


def test_a_hash_is_salted_and_checks_only_its_password():
    first, second = make_password(PASSWORD), make_password(PASSWORD)
    assert first != second  # salted
    assert PASSWORD not in first
    assert check_password(PASSWORD, first) and check_password(PASSWORD, second)
    assert not check_password(PASSWORD + "!", first)
    assert not check_password(PASSWORD, "scrypt$1$2$3$not-base64$x")
    assert not check_password(PASSWORD, "md5$abc")


# --- the users file -------------------------------------------------------------------------


def test_the_file_holds_hashes_only_readable_by_its_owner(users):
    text = users.path.read_text()
    assert text.startswith("alice:scrypt$")
    assert PASSWORD not in text
    assert os.stat(users.path).st_mode & 0o077 == 0


def test_users_are_added_changed_and_removed(users):
    assert users.check("alice", PASSWORD)
    assert not users.check("alice", "wrong")
    assert not users.check("bob", PASSWORD)
    assert users.set_password("bob", "hunter22") is True
    assert users.set_password("alice", "new one") is False
    assert users.names() == ["alice", "bob"]
    assert users.check("alice", "new one") and not users.check("alice", PASSWORD)
    assert users.remove("bob") is True and users.remove("bob") is False
    assert users.names() == ["alice"]


def test_a_change_by_another_process_is_read_again(users):
    other = UsersFile(users.path)
    other.set_password("carol", "s3cret-enough")
    assert users.check("carol", "s3cret-enough")


def test_a_missing_file_has_no_users(tmp_path):
    assert UsersFile(tmp_path / "absent").names() == []


def test_a_line_that_is_not_a_hash_is_refused_without_quoting_it(tmp_path):
    path = tmp_path / "users"
    path.write_text("# admins\nalice:plain-text-password\n")
    with pytest.raises(UsersFileError) as raised:
        UsersFile(path)
    assert "line 2" in str(raised.value) and str(path) in str(raised.value)
    assert "plain-text-password" not in str(raised.value)


@pytest.mark.parametrize("name", ["", " alice", "al:ice", "a\nb", "x" * 508])
def test_bad_user_names_are_refused(name):
    with pytest.raises(ValueError, match="invalid user name"):
        check_username(name)


def test_empty_passwords_are_refused(users):
    with pytest.raises(ValueError, match="empty"):
        users.set_password("dave", "")


# --- the authenticator ----------------------------------------------------------------------


def test_right_credentials_give_the_user(users):
    authenticator = Authenticator(users)
    principal = authenticator.authenticate(
        basic("alice", PASSWORD), peer="127.0.0.1:1", request="/"
    )
    assert principal == Principal("alice", "file")
    assert authenticator.remembered(basic("alice", PASSWORD)) == principal
    assert authenticator.remembered(basic("alice", "wrong")) is None


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing authentication credentials for REST request [GET /posts]"),
        ("", "missing authentication credentials for REST request [GET /posts]"),
        ("Digest abc", "missing authentication credentials for REST request [GET /posts]"),
        ("Bearer abc", "bearer tokens are not supported"),
        ("Basic !!!", "invalid basic authentication header encoding"),
        ("Basic " + base64.b64encode(b"no-colon").decode(), "invalid basic authentication"),
        (basic("alice", "wrong"), "unable to authenticate user [alice] for REST request"),
        (basic("mallory", PASSWORD), "unable to authenticate user [mallory]"),
        ("ApiKey " + base64.b64encode(b"id:key").decode(), "API key [id] is not valid"),
    ],
)
def test_wrong_or_missing_credentials_are_refused_as_elasticsearch_does(users, header, reason):
    with pytest.raises(AuthenticationFailed) as raised:
        Authenticator(users).authenticate(header, peer="127.0.0.1:5", request="GET /posts")
    failure = raised.value
    assert reason in failure.reason
    body = failure.to_dict()
    assert body["status"] == 401 and body["error"]["type"] == "security_exception"
    assert body["error"]["root_cause"][0]["reason"] == failure.reason
    assert body["error"]["header"] == {"WWW-Authenticate": [CHALLENGE]}
    assert failure.headers == {"WWW-Authenticate": CHALLENGE}


def test_api_keys_are_checked_by_the_store(users):
    class Store:
        def authenticate(self, key_id, key):
            return Principal("alice", "api_key", key_id, "ci") if key == "k3y" else None

    authenticator = Authenticator(users, Store())
    header = "ApiKey " + base64.b64encode(b"abc:k3y").decode()
    assert authenticator.authenticate(header, peer="p", request="/").api_key_id == "abc"
    with pytest.raises(AuthenticationFailed):
        authenticator.authenticate(header[:-4] + "QQ==", peer="p", request="/")


def test_a_changed_password_is_not_remembered(users):
    authenticator = Authenticator(users)
    authenticator.authenticate(basic("alice", PASSWORD), peer="p:1", request="/")
    UsersFile(users.path).set_password("alice", "changed")
    assert authenticator.remembered(basic("alice", PASSWORD)) is None
    with pytest.raises(AuthenticationFailed):
        authenticator.authenticate(basic("alice", PASSWORD), peer="p:1", request="/")
    assert authenticator.authenticate(basic("alice", "changed"), peer="p:1", request="/")


def test_failures_are_logged_without_the_secret_and_slowed(users, caplog):
    authenticator = Authenticator(users)
    delays = []
    with caplog.at_level(logging.WARNING, "djangoes_gateway.authentication"):
        for _ in range(8):
            with pytest.raises(AuthenticationFailed) as raised:
                authenticator.authenticate(
                    basic("alice", "Tr0ub4dor&3"), peer="10.1.2.3:4567", request="GET /"
                )
            delays.append(raised.value.delay)
    assert delays == sorted(delays) and delays[-1] > delays[0] > 0
    assert delays[-1] <= authenticator.throttle.ceiling
    assert len(caplog.records) == 8
    message = caplog.records[-1].getMessage()
    assert "10.1.2.3:4567" in message and "alice" in message and "8 failures" in message
    assert "Tr0ub4dor" not in caplog.text and "Tr0ub4dor" not in repr(raised.value)


def test_the_throttle_counts_per_address_and_forgets_after_its_window():
    throttle = Throttle(base=0.1, ceiling=1.0, window=60.0)
    for n in range(10):
        delay, count = throttle.failed("a", now=n)
    assert (delay, count) == (1.0, 10)
    assert throttle.failed("b", now=9) == (0.1, 1)
    assert throttle.failed("a", now=200) == (0.1, 1)


def test_wrong_passwords_are_checked_one_at_a_time_and_once(users, monkeypatch):
    """Many threads sending the same wrong password cost one scrypt check, not one each."""
    checks = []
    check = users.check
    monkeypatch.setattr(users, "check", lambda *a: checks.append(a) or check(*a))
    authenticator = Authenticator(users)
    failures = []

    def guess():
        try:
            authenticator.authenticate(basic("alice", "guess"), peer="p:1", request="/")
        except AuthenticationFailed as failure:
            failures.append(failure)

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(failures) == 20 and len(checks) == 1


# --- exposure -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.3.2.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("example.com", False),
    ],
)
def test_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback


def test_serving_beyond_loopback_without_authentication_is_refused():
    check_exposure("127.0.0.1", authenticated=False, allowed=False, program="p")
    check_exposure("0.0.0.0", authenticated=True, allowed=False, program="p")
    check_exposure("0.0.0.0", authenticated=False, allowed=True, program="p")
    with pytest.raises(
        ValueError, match=r"refusing to listen on 0\.0\.0\.0 without authentication"
    ):
        check_exposure("0.0.0.0", authenticated=False, allowed=False, program="p")


# --- the users subcommand -------------------------------------------------------------------


def users_command(*args, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "djangoes_engine.cli", "users", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_users_subcommand_manages_the_file(tmp_path):
    path = str(tmp_path / "users")
    added = users_command("add", "alice", "--file", path, "--password-stdin", stdin="pw-one\n")
    assert added.returncode == 0, added.stderr
    assert "added user 'alice'" in added.stdout
    again = users_command("add", "alice", "--file", path, "--password-stdin", stdin="x\n")
    assert again.returncode == 1 and "exists" in again.stderr
    changed = users_command("passwd", "alice", "--file", path, "--password-stdin", stdin="pw-2\n")
    assert changed.returncode == 0, changed.stderr
    assert UsersFile(path).check("alice", "pw-2")
    listed = users_command("list", "--file", path)
    assert listed.stdout == "alice\n"
    for result in (added, again, changed, listed):
        assert "pw-one" not in result.stdout + result.stderr
    assert "pw-" not in Path(path).read_text()
    removed = users_command("remove", "alice", "--file", path)
    assert removed.returncode == 0 and UsersFile(path).names() == []
    missing = users_command("remove", "alice", "--file", path)
    assert missing.returncode == 1 and "no user 'alice'" in missing.stderr
