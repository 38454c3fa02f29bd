"""``manage.py check --deploy``: unverified certificates, credentials in clear or in settings."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from djangoes.checks import check_deploy


def warnings_for(monkeypatch: pytest.MonkeyPatch, env: dict[str, str] | None = None, **server: Any):
    monkeypatch.setattr("os.environ", dict(env or {}))
    with override_settings(ES_SERVERS={"default": server}, ES_INDICES={}):
        return check_deploy()


def ids(messages: list[checks.CheckMessage]) -> list[str]:
    return [message.id for message in messages]


def test_verify_certs_false(monkeypatch: pytest.MonkeyPatch) -> None:
    (warning,) = warnings_for(
        monkeypatch, HOSTS=["https://es.example.com"], PARAMS={"verify_certs": False}
    )
    assert isinstance(warning, checks.Warning)
    assert warning.id == "djangoes.W001"
    assert warning.msg.startswith(
        "ES_SERVERS['default']['PARAMS']['verify_certs'] is False: the server's TLS certificate "
        "is not checked"
    )
    assert "ca_certs" in warning.hint


@pytest.mark.parametrize(
    "params",
    [
        {"basic_auth": ("elastic", "pw-from-env")},
        {"http_auth": "elastic:pw-from-env"},
        {"api_key": ("key-id", "pw-from-env")},
        {"bearer_auth": "pw-from-env"},
    ],
)
def test_credentials_over_plain_http_to_another_machine(
    monkeypatch: pytest.MonkeyPatch, params: dict[str, Any]
) -> None:
    env = {"ES_SECRET": "pw-from-env"}
    (warning,) = warnings_for(monkeypatch, env, HOSTS=["es.example.com:9200"], PARAMS=params)
    assert warning.id == "djangoes.W002"
    assert warning.msg == (
        "ES_SERVERS['default'] sends credentials over plain HTTP to http://es.example.com:9200."
    )
    assert "https://" in warning.hint


@pytest.mark.parametrize(
    "host", ["localhost:9200", "127.0.0.1:9200", "http://[::1]:9200", "https://es.example.com"]
)
def test_loopback_or_https_is_fine(monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    env = {"ES_PASSWORD": "pw-from-env"}
    params = {"basic_auth": ("elastic", "pw-from-env")}
    assert warnings_for(monkeypatch, env, HOSTS=[host], PARAMS=params) == []


def test_a_password_written_in_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    params = {"basic_auth": ("elastic", "literal-password")}
    (warning,) = warnings_for(monkeypatch, HOSTS=["https://es.example.com"], PARAMS=params)
    assert warning.id == "djangoes.W003"
    assert warning.msg == (
        "ES_SERVERS['default']['PARAMS']['basic_auth'] holds a secret written in the settings "
        "(no environment variable holds it)."
    )
    assert "os.environ" in warning.hint
    assert "literal-password" not in warning.msg + warning.hint


def test_a_password_in_a_host_url(monkeypatch: pytest.MonkeyPatch) -> None:
    messages = warnings_for(monkeypatch, HOSTS=["http://elastic:url-password@es.example.com:9200"])
    assert ids(messages) == ["djangoes.W002", "djangoes.W003"]
    assert messages[1].msg.startswith(
        "ES_SERVERS['default']['HOSTS'] (http://es.example.com:9200) holds a secret"
    )
    assert all("url-password" not in m.msg and "elastic" not in m.msg for m in messages)


def test_a_url_from_the_environment_is_not_a_secret_in_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = "https://elastic:url-password@es.example.com"
    assert warnings_for(monkeypatch, {"ES_URL": url}, HOSTS=[url]) == []


def test_deploy_checks_run_with_check_deploy_only(monkeypatch: pytest.MonkeyPatch) -> None:
    servers = {"default": {"ENGINE": "embedded", "PARAMS": {"verify_certs": False}}}
    with override_settings(INSTALLED_APPS=["djangoes"], ES_SERVERS=servers, ES_INDICES={}):
        call_command("check", "--tag", "djangoes")  # no deploy check: passes
        with pytest.raises(SystemCheckError, match=r"djangoes\.W001"):
            call_command("check", "--deploy", "--tag", "djangoes", "--fail-level", "WARNING")


def test_broken_settings_are_left_to_the_other_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    with override_settings(ES_SERVERS={"main": {}}):
        assert check_deploy() == []
