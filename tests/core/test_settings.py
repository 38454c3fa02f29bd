"""ES_SERVERS and ES_INDICES: djangoes 0.3's defaults, and a clear error for each mistake."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from djangoes import ConnectionHandler


def configured(servers: object = None, indices: object = None) -> ConnectionHandler:
    handler = ConnectionHandler(servers=servers, indices=indices)
    handler.settings  # noqa: B018 (reading them validates them)
    return handler


# Defaults


def test_no_es_servers_means_one_default_connection_to_localhost() -> None:
    with override_settings(ES_SERVERS=None, ES_INDICES=None):
        handler = configured()
    assert list(handler.settings) == ["default"]
    server = handler.settings["default"]
    assert server["HOSTS"] == ["http://localhost:9200"]
    assert server["ENGINE"] == "http"
    assert server["INDICES"] == []
    assert server["PARAMS"] == {}


def test_empty_es_servers_is_the_same_default() -> None:
    assert configured({}, {}).settings["default"]["HOSTS"] == ["http://localhost:9200"]


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", "http://localhost:9200"),
        ("es.example.com:9201", "http://es.example.com:9201"),
        ("https://es.example.com", "https://es.example.com:443"),
        ("http://es.example.com:9200/prefix/", "http://es.example.com:9200/prefix"),
        ({"host": "es", "port": 9300}, {"host": "es", "port": 9300, "scheme": "http"}),
        (
            {"host": "es", "use_ssl": True, "url_prefix": "/es"},
            {"host": "es", "port": 443, "scheme": "https", "path_prefix": "/es"},
        ),
    ],
)
def test_hosts_in_every_form_0_3_accepted(host: object, expected: object) -> None:
    handler = configured({"default": {"HOSTS": [host]}}, {})
    assert handler.settings["default"]["HOSTS"] == [expected]


def test_a_single_host_string_is_a_list_of_one() -> None:
    handler = configured({"default": {"HOSTS": "es:9200"}}, {})
    assert handler.settings["default"]["HOSTS"] == ["http://es:9200"]


def test_index_defaults() -> None:
    handler = configured({"default": {"INDICES": ["books"]}}, {"books": {}})
    index = handler.indices["books"]
    assert index["NAME"] == "books"
    assert index["ALIASES"] == []
    assert index["SETTINGS"] is None
    assert index["TEST"] == {"NAME": "books_test", "ALIASES": [], "SETTINGS": None}


def test_tests_is_a_synonym_of_test() -> None:
    handler = configured({}, {"books": {"TESTS": {"NAME": "books_for_tests"}}})
    assert handler.indices["books"]["TEST"]["NAME"] == "books_for_tests"


def test_test_aliases_default_to_the_live_ones_with_a_suffix() -> None:
    handler = configured({}, {"books": {"NAME": "books_v2", "ALIASES": ["books", "library"]}})
    test = handler.indices["books"]["TEST"]
    assert test == {
        "NAME": "books_v2_test",
        "ALIASES": ["books_test", "library_test"],
        "SETTINGS": None,
    }


# Misconfigurations: each names the setting, the alias and the key.

ERRORS = [
    pytest.param(
        {"main": {}}, {}, r"ES_SERVERS must define a 'default' connection", id="no default"
    ),
    pytest.param([{"HOSTS": []}], {}, r"ES_SERVERS must be a dict", id="servers not a dict"),
    pytest.param(
        {"default": "localhost"},
        {},
        r"ES_SERVERS\['default'\] must be a dict, not str",
        id="server not a dict",
    ),
    pytest.param(
        {"default": {"HOST": ["a"]}},
        {},
        r"ES_SERVERS\['default'\] has an unknown key 'HOST'; did you mean 'HOSTS'\?",
        id="unknown server key",
    ),
    pytest.param(
        {"default": {"INDICE": []}}, {}, r"did you mean 'INDICES'\?", id="unknown server key 2"
    ),
    pytest.param(
        {"default": {"INDICES": ["books"]}},
        {},
        r"ES_SERVERS\['default'\]\['INDICES'\] names the index 'books', which "
        r"ES_INDICES does not define",
        id="index not in ES_INDICES",
    ),
    pytest.param(
        {"default": {"INDICES": [3]}},
        {},
        r"ES_SERVERS\['default'\]\['INDICES'\] must be a list of strings, not int",
        id="indices wrong type",
    ),
    pytest.param(
        {"default": {"HOSTS": [42]}},
        {},
        r"ES_SERVERS\['default'\]\['HOSTS'\] must be a host string, a URL or a dict",
        id="host wrong type",
    ),
    pytest.param(
        {"default": {"HOSTS": ["ftp://es"]}},
        {},
        r"scheme 'ftp': use http or https",
        id="host scheme",
    ),
    pytest.param({"default": {"HOSTS": ["http://es:port"]}}, {}, r"invalid port", id="host port"),
    pytest.param(
        {"default": {"HOSTS": [{"port": 9200}]}}, {}, r"host dict without a 'host'", id="host dict"
    ),
    pytest.param(
        {"default": {"ENGINE": 3}},
        {},
        r"ES_SERVERS\['default'\]\['ENGINE'\] must be a string, not int",
        id="engine type",
    ),
    pytest.param(
        {"default": {"PARAMS": ["timeout"]}},
        {},
        r"ES_SERVERS\['default'\]\['PARAMS'\] must be a dict, not list",
        id="params type",
    ),
    pytest.param(
        {"default": {"TEST": {"INDICIES": []}}},
        {},
        r"ES_SERVERS\['default'\]\['TEST'\] has an unknown key 'INDICIES'; did you mean "
        r"'INDICES'\?",
        id="server test key",
    ),
    pytest.param(
        {"default": {"TEST": {"INDICES": ["nope"]}}},
        {},
        r"ES_SERVERS\['default'\]\['TEST'\]\['INDICES'\] names the index 'nope'",
        id="server test index",
    ),
    pytest.param({}, ["books"], r"ES_INDICES must be a dict", id="indices not a dict"),
    pytest.param(
        {},
        {"books": ["x"]},
        r"ES_INDICES\['books'\] must be a dict, not list",
        id="index not a dict",
    ),
    pytest.param(
        {},
        {"books": {"ALIAS": ["x"]}},
        r"ES_INDICES\['books'\] has an unknown key "
        r"'ALIAS'; did you mean 'ALIASES'\?",
        id="unknown index key",
    ),
    pytest.param(
        {},
        {"books": {"NAME": "Books"}},
        r"ES_INDICES\['books'\]\['NAME'\] is 'Books': an index name is lowercase",
        id="name uppercase",
    ),
    pytest.param({}, {"books": {"NAME": "my books"}}, r"may not contain", id="name space"),
    pytest.param({}, {"books": {"NAME": "_books"}}, r"does not start with", id="name underscore"),
    pytest.param(
        {},
        {"books": {"SETTINGS": {"mapping": {}}}},
        r"ES_INDICES\['books'\]\['SETTINGS'\] has an unknown key 'mapping'; did you "
        r"mean 'mappings'\?",
        id="settings key",
    ),
    pytest.param(
        {},
        {"books": {"SETTINGS": {"mappings": []}}},
        r"ES_INDICES\['books'\]\['SETTINGS'\]\['mappings'\] must be a dict",
        id="mappings type",
    ),
    pytest.param(
        {},
        {"books": {"TEST": {"NAMES": "x"}}},
        r"ES_INDICES\['books'\]\['TEST'\] has an unknown key 'NAMES'; did you mean "
        r"'NAME'\?",
        id="index test key",
    ),
    pytest.param(
        {},
        {"books": {"TEST": {"NAME": "books"}}},
        r"ES_INDICES\['books'\]\['TEST'\]\['NAME'\] uses 'books', which is also a live "
        r"name",
        id="test name is live",
    ),
    pytest.param(
        {},
        {"books": {"ALIASES": ["library"], "TEST": {"ALIASES": ["library"]}}},
        r"ES_INDICES\['books'\]\['TEST'\]\['ALIASES'\] uses 'library', which is also "
        r"a live name",
        id="test alias is live",
    ),
    pytest.param(
        {},
        {"books": {}, "books_test": {}},
        r"ES_INDICES\['books'\]\['TEST'\]\['NAME'\] uses 'books_test', which is also a "
        r"live name",
        id="test name is another index",
    ),
    pytest.param(
        {}, {"books": {"TEST": {}, "TESTS": {}}}, r"both 'TEST' and 'TESTS'", id="test and tests"
    ),
]


@pytest.mark.parametrize(("servers", "indices", "message"), ERRORS)
def test_misconfiguration_is_named(servers: object, indices: object, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        configured(servers, indices)


def test_a_comma_string_of_aliases_is_one_alias_name() -> None:
    """A string is a list of one; "a,b" is then an invalid alias Elasticsearch refuses later."""
    handler = configured({}, {"books": {"ALIASES": "library"}})
    assert handler.indices["books"]["ALIASES"] == ["library"]


def test_secrets_never_appear_in_errors() -> None:
    with pytest.raises(ImproperlyConfigured) as error:
        configured({"default": {"HOSTS": ["https://user:s3cret@es:bad"]}}, {})
    assert "s3cret" not in str(error.value)


def test_validation_happens_once() -> None:
    handler = ConnectionHandler(servers={"default": {}}, indices={})
    first = handler.settings
    assert handler.settings is first
