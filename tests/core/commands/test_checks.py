"""``manage.py check``: every mistake of the settings, with its id and hint.

The same settings raise the same SettingError (an ImproperlyConfigured) when a connection
reads them: one rule, reported two ways.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from djangoes import ConnectionHandler
from djangoes.checks import check_settings
from djangoes.errors import HINTS, SettingError

DOCS = Path(__file__).parents[3] / "docs" / "checks.md"


def reported(servers: Any = None, indices: Any = None, **other: Any) -> list[checks.CheckMessage]:
    with override_settings(ES_SERVERS=servers, ES_INDICES=indices, **other):
        return check_settings()


def only(messages: list[checks.CheckMessage]) -> checks.CheckMessage:
    assert len(messages) == 1, messages
    return messages[0]


CASES = [
    (
        "E001",
        {"main": {}},
        {},
        "ES_SERVERS must define a 'default' connection (defined: main)",
    ),
    (
        "E002",
        {"default": {"HOSTS": 9200}},
        {},
        "ES_SERVERS['default']['HOSTS'] must be a host, or a list of hosts, not int",
    ),
    (
        "E003",
        {"default": {"HOST": ["localhost"]}},
        {},
        "ES_SERVERS['default'] has an unknown key 'HOST'; did you mean 'HOSTS'?",
    ),
    (
        "E004",
        {"default": {"INDICES": ["blog"]}},
        {"books": {}},
        "ES_SERVERS['default']['INDICES'] names the index 'blog', which ES_INDICES does not "
        "define (defined: books)",
    ),
    (
        "E005",
        {"default": {"HOSTS": ["ftp://es.example.com"]}},
        {},
        "ES_SERVERS['default']['HOSTS'] has a host with the scheme 'ftp': use http or https",
    ),
    (
        "E006",
        {},
        {"blog": {"NAME": "Blog"}},
        "ES_INDICES['blog']['NAME'] is 'Blog': an index name is lowercase and does not start "
        "with '_', '-' or '+'",
    ),
    (
        "E007",
        {},
        {"blog": {"NAME": "blog", "TEST": {"NAME": "blog"}}},
        "ES_INDICES['blog']['TEST']['NAME'] uses 'blog', which is also a live name "
        "(ES_INDICES['blog']['NAME']): test indices must never be live ones",
    ),
    (
        "E008",
        {},
        {"blog": {"TEST": {}, "TESTS": {}}},
        "ES_INDICES['blog'] has both 'TEST' and 'TESTS': keep 'TEST'",
    ),
    (
        "E010",
        {"default": {"ENGINE": "nosuch"}},
        {},
        "ES_SERVERS['default']['ENGINE'] 'nosuch' is not an installed djangoes backend",
    ),
    (
        "E010",
        {"default": {"ENGINE": "myproject.search.Backend"}},
        {},
        "ES_SERVERS['default']['ENGINE'] 'myproject.search.Backend' could not be imported",
    ),
    (
        "E011",
        {"default": {"PARAMS": {"request_timout": 5}}},
        {},
        "ES_SERVERS['default']['PARAMS'] has an unknown key 'request_timout': not an option of "
        "elasticsearch.Elasticsearch; did you mean 'request_timeout'?",
    ),
    (
        "E012",
        {},
        {"blog": {"SOURCE": "tests.core.nowhere.documents"}},
        "ES_INDICES['blog']['SOURCE'] 'tests.core.nowhere.documents' could not be imported",
    ),
    (
        "E012",
        {},
        {"blog": {"SOURCE": "tests.core.commands.helpers.TTL"}},
        "ES_INDICES['blog']['SOURCE'] 'tests.core.commands.helpers.TTL' is not callable",
    ),
    (
        "E002",
        {},
        {"blog": {"SOURCE": 42}},
        "ES_INDICES['blog']['SOURCE'] must be a dotted path, not int",
    ),
]


@pytest.mark.parametrize(("code", "servers", "indices", "message"), CASES)
def test_each_mistake_is_reported_with_its_id_and_hint(
    code: str, servers: dict, indices: dict, message: str
) -> None:
    error = only(reported(servers, indices))
    assert isinstance(error, checks.Error)
    assert error.id == f"djangoes.{code}"
    assert error.msg.startswith(message)
    assert error.hint == HINTS[code]


@pytest.mark.parametrize(("code", "servers", "indices", "message"), CASES[:8])
def test_reading_the_settings_raises_the_same_error(
    code: str, servers: dict, indices: dict, message: str
) -> None:
    handler = ConnectionHandler(servers=servers or None, indices=indices or None)
    with pytest.raises(SettingError) as raised:
        handler.settings  # noqa: B018 (reading them validates them)
    assert raised.value.id == f"djangoes.{code}"
    assert str(raised.value).startswith(message)


def test_a_known_transport_not_installed_names_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from djangoes.backends import loading

    monkeypatch.setitem(loading.KNOWN, "fancy", "fancy")
    error = only(reported({"default": {"ENGINE": "fancy"}}, {}))
    assert error.id == "djangoes.E009"
    assert error.msg == (
        "ES_SERVERS['default']['ENGINE'] is 'fancy', whose distribution is not installed: "
        'pip install "djangoes[fancy]"'
    )
    assert error.hint == 'Run pip install "djangoes[fancy]", or choose another ENGINE.'


@pytest.mark.parametrize("value", [0, -1, "1s", True])
def test_rebuild_durations_must_be_positive_numbers(value: Any) -> None:
    error = only(reported(ES_REBUILD_HOLD_TIMEOUT=value))
    assert error.id == "djangoes.E002"
    assert (
        error.msg == f"ES_REBUILD_HOLD_TIMEOUT must be a positive number of seconds, not {value!r}"
    )


@pytest.mark.parametrize("name", ["ES_REBUILD_TTL", "ES_REBUILD_LEASE"])
def test_every_rebuild_duration_is_checked(name: str) -> None:
    error = only(reported(**{name: "20"}))
    assert (error.id, error.msg) == (
        "djangoes.E002",
        f"{name} must be a positive number of seconds, not '20'",
    )


def test_the_lease_defaults_to_20_seconds() -> None:
    from djangoes import conf

    assert conf.rebuild_setting("ES_REBUILD_LEASE") == 20.0
    with override_settings(ES_REBUILD_LEASE=5):
        assert conf.rebuild_setting("ES_REBUILD_LEASE") == 5.0


def test_one_error_per_entry_all_entries_at_once() -> None:
    messages = reported(
        {"default": {"HOST": "x"}, "other": {"INDICES": ["nope"]}},
        {"blog": {"NAME": "Blog"}, "books": {"TEST": {"NAME": "x"}, "TESTS": {}}},
    )
    assert [m.id for m in messages] == [
        "djangoes.E006",
        "djangoes.E008",
        "djangoes.E003",
        "djangoes.E004",
    ]


def test_valid_settings_have_no_error() -> None:
    source = "tests.core.commands.test_rebuild.source_documents"
    servers = {"default": {"ENGINE": "embedded", "INDICES": ["blog"], "PARAMS": {"name": "x"}}}
    assert reported(servers, {"blog": {"ALIASES": ["posts"], "SOURCE": source}}) == []


def test_secrets_of_params_are_never_in_a_message() -> None:
    servers = {"default": {"PARAMS": {"basic_auth": ("elastic", "pa55-word"), "timeoutt": 1}}}
    error = only(reported(servers, {}))
    assert "pa55-word" not in error.msg + (error.hint or "")


def test_the_app_registers_the_checks_for_manage_py_check() -> None:
    with override_settings(INSTALLED_APPS=["djangoes"], ES_SERVERS={"main": {}}, ES_INDICES={}):
        assert apps.get_app_config("djangoes").verbose_name.startswith("djangoes")
        with pytest.raises(SystemCheckError, match=r"\(djangoes\.E001\) ES_SERVERS must define"):
            call_command("check")
        with pytest.raises(SystemCheckError, match="HINT: Add a 'default' entry"):
            call_command("check", "--tag", "djangoes")


def test_every_check_id_is_documented() -> None:
    documented = set(re.findall(r"djangoes\.([EW]\d{3})", DOCS.read_text()))
    assert documented == {*HINTS, "W001", "W002", "W003", "W012"}
    text = DOCS.read_text().replace("\\|", "|")  # a | in a table cell is written \|
    for code, hint in HINTS.items():
        assert hint in text, code
