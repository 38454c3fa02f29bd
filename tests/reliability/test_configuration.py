"""Bad configuration: a catalogue of malformed ``ES_SERVERS``, ``ES_INDICES`` and ``PARAMS``.

Each one is given to a ``ConnectionHandler`` (nothing is checked before the first use) and
the connection ``'x'`` is then used: the error must be an ImproperlyConfigured whose message
names the setting, the alias and the key at fault, and nothing from inside elasticsearch-py
or elastic-transport may show: not its exception, not a frame of its code in the traceback
Python would print. ``tests/core/test_settings.py`` checks the wording of the ``conf`` errors;
this catalogue checks the whole way, from the settings to a built client.

``manage.py check`` must catch every one of them, under its id, and more: ``LAYOUT`` holds the
mistakes of settings whose every entry is valid, but whose entries do not go together (two
indices of one NAME on one server, a shared alias without a write index...), which reading the
settings does not refuse; and the warnings (``W0xx``) of what is probably wrong.
"""

from __future__ import annotations

import os
import traceback
from contextlib import nullcontext
from typing import Any

import elastic_transport
import elasticsearch
import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from elasticsearch.dsl import Keyword

from djangoes import ConnectionHandler
from djangoes.backends.params import RENAMED
from djangoes.checks import check_settings
from djangoes.dsl import Document
from djangoes.errors import HINTS

pytestmark = pytest.mark.slow

HOST = "http://127.0.0.1:9"
S = "ES_SERVERS['x']"
I = "ES_INDICES['x']"  # noqa: E741
P = "ES_SERVERS['x']['PARAMS']"
SECRET = "s3cr3t-in-a-host"


class EntryDocument(Document):
    """A Document on the catalogue's index entry, ``x``."""

    code = Keyword()

    class Index:
        name = "x"


def server(**entry: Any) -> dict[str, Any]:
    return {"default": {"HOSTS": [HOST]}, "x": {"HOSTS": [HOST], **entry}}


def params(**options: Any) -> dict[str, Any]:
    return server(PARAMS=options)


def index(**entry: Any) -> dict[str, Any]:
    return {"x": entry}


def serving(*keys: str, **entry: Any) -> dict[str, Any]:
    """ES_SERVERS whose connection 'x' serves ``keys`` (and has ``entry``)."""
    return server(INDICES=list(keys), **entry)


#: (name, ES_SERVERS, ES_INDICES, the id ``check`` reports it under, what the message must
#: name), raised on first use.
CATALOGUE: list[tuple[str, Any, Any, str, list[str]]] = [
    # ES_SERVERS
    ("no default", {"x": {"HOSTS": [HOST]}}, {}, "E001", ["ES_SERVERS", "'default'"]),
    ("server not a dict", {"default": {}, "x": ["localhost"]}, {}, "E002", [S, "dict"]),
    ("unknown server key", server(HOST=["a"]), {}, "E003", [S, "'HOST'", "'HOSTS'"]),
    ("hosts not a list", server(HOSTS=42), {}, "E002", [S + "['HOSTS']"]),
    ("host not a string", server(HOSTS=[["a"]]), {}, "E002", [S + "['HOSTS']"]),
    ("empty host", server(HOSTS=["  "]), {}, "E005", [S + "['HOSTS']", "empty"]),
    ("host scheme", server(HOSTS=["ftp://es"]), {}, "E005", [S + "['HOSTS']", "'ftp'"]),
    ("host port", server(HOSTS=["es:ninety"]), {}, "E005", [S + "['HOSTS']", "port"]),
    ("host port range", server(HOSTS=["es:99999"]), {}, "E005", [S + "['HOSTS']", "port"]),
    ("host dict key", server(HOSTS=[{"hots": "es"}]), {}, "E003", [S + "['HOSTS']", "'hots'"]),
    (
        "host dict port",
        server(HOSTS=[{"host": "es", "port": "9200"}]),
        {},
        "E002",
        [S + "['HOSTS']"],
    ),
    ("engine type", server(ENGINE=["http"]), {}, "E002", [S + "['ENGINE']"]),
    ("engine unknown", server(ENGINE="htp"), {}, "E010", [S + "['ENGINE']", "'htp'"]),
    ("engine path", server(ENGINE="nowhere.Backend"), {}, "E010", [S + "['ENGINE']", "nowhere"]),
    ("indices unknown", server(INDICES=["nope"]), {}, "E004", [S + "['INDICES']", "'nope'"]),
    ("indices type", server(INDICES=[1]), {}, "E002", [S + "['INDICES']"]),
    ("params type", server(PARAMS="timeout=1"), {}, "E002", [P, "dict"]),
    ("test type", server(TEST=["x"]), {}, "E002", [S + "['TEST']"]),
    ("test key", server(TEST={"INDICE": []}), {}, "E003", [S + "['TEST']", "'INDICE'"]),
    ("hosts empty", server(HOSTS=[]), {}, "E013", [S + "['HOSTS']", "empty"]),
    ("hosts empty string", server(HOSTS=""), {}, "E013", [S + "['HOSTS']", "empty"]),
    ("hosts after a comma", server(HOSTS=["es1:9200,es2"]), {}, "E005", [S + "['HOSTS']", "comma"]),
    ("host with a space", server(HOSTS=["es 1:9200"]), {}, "E005", [S + "['HOSTS']", "spaces"]),
    ("host port zero", server(HOSTS=["es:0"]), {}, "E005", [S + "['HOSTS']", "port 0"]),
    (
        "host query",
        server(HOSTS=["http://es:9200/?pretty"]),
        {},
        "E005",
        [S + "['HOSTS']", "query"],
    ),
    ("host twice", server(HOSTS=[HOST, "127.0.0.1:9"]), {}, "E005", [S + "['HOSTS']", "twice"]),
    ("host dict range", server(HOSTS=[{"host": "es", "port": 0}]), {}, "E005", [S + "['HOSTS']"]),
    ("host dict bool", server(HOSTS=[{"host": "es", "port": True}]), {}, "E005", [S + "['HOSTS']"]),
    ("host dict empty", server(HOSTS=[{"host": " "}]), {}, "E005", [S + "['HOSTS']", "empty"]),
    (
        "host dict use_ssl",
        server(HOSTS=[{"host": "es", "scheme": "http", "use_ssl": True}]),
        {},
        "E005",
        [S + "['HOSTS']", "use_ssl"],
    ),
    (
        "host dict prefixes",
        server(HOSTS=[{"host": "es", "path_prefix": "/a", "url_prefix": "/b"}]),
        {},
        "E005",
        [S + "['HOSTS']", "prefixes"],
    ),
    (
        "memcached over https",
        server(ENGINE="memcached", HOSTS=["https://127.0.0.1:11311"]),
        {},
        "E005",
        [S + "['HOSTS']", "memcached"],
    ),
    ("engine empty", server(ENGINE=""), {}, "E010", [S + "['ENGINE']", "''"]),
    (
        "engine not a backend",
        server(ENGINE="collections.OrderedDict"),
        {},
        "E010",
        [S + "['ENGINE']", "not a djangoes backend"],
    ),
    # ES_INDICES
    ("index not a dict", server(), {"x": "books"}, "E002", [I, "dict"]),
    ("unknown index key", server(), index(NAMES="b"), "E003", [I, "'NAMES'", "'NAME'"]),
    ("index name type", server(), index(NAME=3), "E002", [I + "['NAME']"]),
    ("index name case", server(), index(NAME="Books"), "E006", [I + "['NAME']", "'Books'"]),
    ("index name chars", server(), index(NAME="a,b"), "E006", [I + "['NAME']", "'a,b'"]),
    ("index name start", server(), index(NAME="-b"), "E006", [I + "['NAME']", "'-b'"]),
    ("aliases type", server(), index(ALIASES=[1]), "E002", [I + "['ALIASES']"]),
    ("settings key", server(), index(SETTINGS={"mapping": {}}), "E003", [I + "['SETTINGS']"]),
    ("settings type", server(), index(SETTINGS={"settings": 1}), "E002", [I + "['SETTINGS']"]),
    (
        "test name live",
        server(),
        index(NAME="b", TEST={"NAME": "b"}),
        "E007",
        [I + "['TEST']['NAME']"],
    ),
    ("test and tests", server(), index(TEST={}, TESTS={}), "E008", [I, "'TESTS'"]),
    ("index name dot", server(), index(NAME="."), "E006", [I + "['NAME']", "'.'"]),
    ("index name colon", server(), index(NAME="a:b"), "E006", [I + "['NAME']", "'a:b'"]),
    ("index name hash", server(), index(NAME="a#b"), "E006", [I + "['NAME']", "'a#b'"]),
    ("index name long", server(), index(NAME="b" * 256), "E006", [I + "['NAME']", "256 bytes"]),
    ("index name bytes", server(), index(NAME="é" * 128), "E006", [I + "['NAME']", "256 bytes"]),
    ("index key empty", server(), {"": {}}, "E006", ["ES_INDICES['']['NAME']", "''"]),
    ("alias space", server(), index(ALIASES=["a b"]), "E006", [I + "['ALIASES']", "'a b'"]),
    ("alias start", server(), index(ALIASES=["_all"]), "E006", [I + "['ALIASES']", "'_all'"]),
    ("alias empty", server(), index(ALIASES=[""]), "E006", [I + "['ALIASES']", "''"]),
    ("alias long", server(), index(ALIASES=["a" * 256]), "E006", [I + "['ALIASES']", "256 bytes"]),
    (
        "settings alias name",
        server(),
        index(SETTINGS={"aliases": {"a*": {}}}),
        "E006",
        [I + "['SETTINGS']['aliases']", "'a*'"],
    ),
    (
        "settings alias properties",
        server(),
        index(SETTINGS={"aliases": {"a": "write"}}),
        "E002",
        [I + "['SETTINGS']['aliases']['a']"],
    ),
    (
        "settings alias key",
        server(),
        index(SETTINGS={"aliases": {"a": {"is_write": True}}}),
        "E003",
        [I + "['SETTINGS']['aliases']['a']", "'is_write_index'"],
    ),
    (
        "settings alias flag",
        server(),
        index(SETTINGS={"aliases": {"a": {"is_write_index": "yes"}}}),
        "E002",
        [I + "['SETTINGS']['aliases']['a']['is_write_index']"],
    ),
    (
        "settings alias number",
        server(),
        index(SETTINGS={"aliases": {"a": {"routing": 1}}}),
        "E002",
        [I + "['SETTINGS']['aliases']['a']['routing']", "string"],
    ),
    (
        "settings alias routing",
        server(),
        index(SETTINGS={"aliases": {"a": {"index_routing": "1,2"}}}),
        "E018",
        [I + "['SETTINGS']['aliases']['a']", "'1,2'"],
    ),
    (
        "mapping type",
        server(),
        index(SETTINGS={"mappings": {"_doc": {"properties": {"t": {"type": "text"}}}}}),
        "E018",
        [I + "['SETTINGS']['mappings']", "'_doc'"],
    ),
    (
        "mappings in settings",
        server(),
        index(SETTINGS={"settings": {"mappings": {}}}),
        "E018",
        [I + "['SETTINGS']['settings']", "'mappings'"],
    ),
    ("test name case", server(), index(TEST={"NAME": "X_test"}), "E006", [I + "['TEST']['NAME']"]),
    (
        "test alias space",
        server(),
        index(TEST={"ALIASES": ["a b"]}),
        "E006",
        [I + "['TEST']['ALIASES']"],
    ),
    (
        "test settings alias",
        server(),
        index(TEST={"SETTINGS": {"aliases": {"-a": {}}}}),
        "E006",
        [I + "['TEST']['SETTINGS']['aliases']", "'-a'"],
    ),
    (
        "test alias live",
        server(),
        index(ALIASES=["lib"], TEST={"ALIASES": ["lib"]}),
        "E007",
        [I + "['TEST']['ALIASES']", "'lib'"],
    ),
    (
        "test name of another",
        server(),
        {"x": {}, "x_test": {}},
        "E007",
        [I + "['TEST']['NAME']", "'x_test'"],
    ),
    # PARAMS, checked against elasticsearch.Elasticsearch when the client is built
    (
        "unknown option",
        params(request_timeot=1),
        {},
        "E011",
        [P, "'request_timeot'", "request_timeout"],
    ),
    ("unknown option 2", params(foo=1), {}, "E011", [P, "'foo'"]),
    ("timeout string", params(request_timeout="fast"), {}, "E011", [P + "['request_timeout']"]),
    ("timeout zero", params(request_timeout=0), {}, "E011", [P + "['request_timeout']", "0"]),
    ("0.3 timeout", params(timeout="slow"), {}, "E011", [P + "['request_timeout']"]),
    ("retries negative", params(max_retries=-1), {}, "E011", [P + "['max_retries']", "-1"]),
    ("retries float", params(max_retries=2.5), {}, "E011", [P + "['max_retries']", "integer"]),
    ("retries string", params(max_retries="3"), {}, "E011", [P + "['max_retries']"]),
    ("retry flag", params(retry_on_timeout="yes"), {}, "E011", [P + "['retry_on_timeout']"]),
    ("basic_auth number", params(basic_auth=42), {}, "E011", [P + "['basic_auth']"]),
    ("basic_auth one", params(basic_auth=("user",)), {}, "E011", [P + "['basic_auth']"]),
    ("api_key number", params(api_key=12345), {}, "E011", [P + "['api_key']"]),
    ("verify flag", params(verify_certs="no"), {}, "E011", [P + "['verify_certs']"]),
    ("pool size", params(connections_per_node=0), {}, "E011", [P + "['connections_per_node']"]),
    (
        "backoff",
        params(dead_node_backoff_factor="1s"),
        {},
        "E011",
        [P + "['dead_node_backoff_factor']"],
    ),
    ("headers", params(headers="X-A: b"), {}, "E011", [P + "['headers']"]),
    ("header value", params(headers={"X-A": 1}), {}, "E011", [P + "['headers']['X-A']"]),
    ("statuses", params(retry_on_status="502"), {}, "E011", [P + "['retry_on_status']"]),
    (
        "selector",
        params(node_selector_class="fastest"),
        {},
        "E011",
        [P + "['node_selector_class']"],
    ),
    ("hosts in params", params(hosts=["http://a:9200"]), {}, "E011", [P, "'hosts'", "HOSTS"]),
    ("node class", params(node_class="urllib3"), {}, "E011", [P, "'node_class'", "ENGINE"]),
    ("ca_certs type", params(ca_certs=1), {}, "E011", [P + "['ca_certs']"]),
    ("ca_certs on http", params(ca_certs="/nonexistent/ca.pem"), {}, "E011", [P, "https"]),
    ("cloud_id and hosts", params(cloud_id="name:Zm9v"), {}, "E011", [P, "cloud_id"]),
    (
        "embedded engine",
        server(ENGINE="embedded", PARAMS={"name": "catalogue", "max_retries": -1}),
        {},
        "E011",
        [P + "['max_retries']"],
    ),
    (
        "document and settings",
        server(),
        index(DOCUMENT=f"{__name__}.EntryDocument", SETTINGS={"settings": {}}),
        "E019",
        [I, "'SETTINGS' and 'DOCUMENT'"],
    ),
    (
        "document path",
        server(),
        index(DOCUMENT="no.such.module.PostDocument"),
        "E020",
        [I + "['DOCUMENT']", "'no.such.module.PostDocument' could not be imported"],
    ),
]


#: Settings whose every entry is valid (nothing refuses them when they are read), but whose
#: entries do not go together, or that are probably wrong: (name, ES_SERVERS, ES_INDICES, other
#: settings, the id ``check`` reports, what its message must name).
LAYOUT: list[tuple[str, Any, Any, dict[str, Any], str, list[str]]] = [
    (
        "one NAME twice",
        serving("a", "b"),
        {"a": {"NAME": "blog"}, "b": {"NAME": "blog"}},
        {},
        "E014",
        ["ES_INDICES['b']['NAME']", "ES_INDICES['a']['NAME']", "'blog'", S],
    ),
    (
        "one NAME on two connections to one host",
        {
            "default": {"HOSTS": [HOST], "INDICES": ["a"]},
            "x": {"HOSTS": ["127.0.0.1:9"], "INDICES": ["b"]},
        },
        {"a": {}, "b": {"NAME": "a"}},
        {},
        "E014",
        ["ES_INDICES['b']['NAME']", "'a'", "one server"],
    ),
    (
        "one NAME in one embedded engine",
        {
            "default": {"ENGINE": "embedded", "PARAMS": {"name": "c"}, "INDICES": ["a"]},
            "x": {"ENGINE": "embedded", "PARAMS": {"name": "c"}, "INDICES": ["b"]},
        },
        {"a": {}, "b": {"NAME": "a"}},
        {},
        "E014",
        ["ES_INDICES['b']['NAME']", "one server"],
    ),
    (
        "an alias of two indices",
        serving("a", "b"),
        {"a": {"ALIASES": ["posts"]}, "b": {"ALIASES": ["posts"]}},
        {},
        "E015",
        ["ES_INDICES['b']['ALIASES']", "'posts'", "no write index"],
    ),
    (
        "an alias of two indices on two connections",
        {"default": {"HOSTS": [HOST], "INDICES": ["a"]}, "x": {"HOSTS": [HOST], "INDICES": ["b"]}},
        {"a": {"ALIASES": ["posts"]}, "b": {"ALIASES": ["posts"]}},
        {},
        "E015",
        ["ES_INDICES['b']['ALIASES']", "'posts'", "one server"],
    ),
    (
        "an alias written, and another index's in SETTINGS",
        serving("a", "b"),
        {"a": {"ALIASES": ["posts"]}, "b": {"SETTINGS": {"aliases": {"posts": {}}}}},
        {},
        "E015",
        ["ES_INDICES['a']['ALIASES']", "'posts'", "no write index"],
    ),
    (
        "two write indices",
        serving("a", "b"),
        {
            "a": {"SETTINGS": {"aliases": {"all": {"is_write_index": True}}}},
            "b": {"SETTINGS": {"aliases": {"all": {"is_write_index": True}}}},
        },
        {},
        "E015",
        ["ES_INDICES['b']['SETTINGS']['aliases']", "'all'", "one write index"],
    ),
    (
        "writes go to another index",
        serving("a", "b"),
        {
            "a": {"SETTINGS": {"aliases": {"all": {"is_write_index": True}}}},
            "b": {"ALIASES": ["all"]},
        },
        {},
        "E015",
        ["ES_INDICES['b']['ALIASES']", "'all'", "ES_INDICES['a']"],
    ),
    (
        "an alias that is another index's NAME",
        serving("a", "b"),
        {"a": {"ALIASES": ["b"]}, "b": {}},
        {},
        "E016",
        ["ES_INDICES['a']['ALIASES']", "ES_INDICES['b']['NAME']"],
    ),
    (
        "an alias that is its own NAME",
        serving("a"),
        {"a": {"NAME": "blog", "ALIASES": ["blog"]}},
        {},
        "E016",
        ["ES_INDICES['a']['ALIASES']", "'blog'", "own NAME"],
    ),
    (
        "a SETTINGS alias that is another index's NAME",
        serving("a", "b"),
        {"a": {"SETTINGS": {"aliases": {"b": {}}}}, "b": {}},
        {},
        "E016",
        ["ES_INDICES['a']['SETTINGS']['aliases']", "'b'"],
    ),
    (
        "one test NAME twice",
        serving("a", "b"),
        {"a": {"TEST": {"NAME": "t"}}, "b": {"TEST": {"NAME": "t"}}},
        {},
        "E017",
        ["ES_INDICES['b']['TEST']['NAME']", "'t'"],
    ),
    (
        "one test NAME twice in TEST INDICES",
        serving("a", TEST={"INDICES": ["a", "b"]}),
        {"a": {"TEST": {"NAME": "t"}}, "b": {"TEST": {"NAME": "t"}}},
        {},
        "E017",
        ["ES_INDICES['b']['TEST']['NAME']", "'t'"],
    ),
    (
        "a test alias that is another test NAME",
        serving("a", "b"),
        {"a": {"TEST": {"ALIASES": ["b_test"]}}, "b": {}},
        {},
        "E017",
        ["ES_INDICES['a']['TEST']['ALIASES']", "'b_test'"],
    ),
    (
        "a test alias of two test indices",
        serving("a", "b"),
        {"a": {"TEST": {"ALIASES": ["t"]}}, "b": {"TEST": {"ALIASES": ["t"]}}},
        {},
        "E017",
        ["ES_INDICES['b']['TEST']['ALIASES']", "'t'"],
    ),
    (
        "an index no connection serves",
        serving("a"),
        {"a": {}, "b": {}},
        {},
        "W004",
        ["ES_INDICES['b']"],
    ),
    ("INDICES twice", serving("a", "a"), {"a": {}}, {}, "W005", [S + "['INDICES']", "'a'"]),
    (
        "TEST INDICES twice",
        serving("a", TEST={"INDICES": ["a", "a"]}),
        {"a": {}},
        {},
        "W005",
        [S + "['TEST']['INDICES']", "'a'"],
    ),
    (
        "ALIASES twice",
        serving("x"),
        index(ALIASES=["r", "r"]),
        {},
        "W005",
        [I + "['ALIASES']", "'r'"],
    ),
    (
        "TEST leaves out an index",
        serving("a", "b", TEST={"INDICES": ["a"]}),
        {"a": {}, "b": {}},
        {},
        "W006",
        [S + "['TEST']['INDICES']", "'b'"],
    ),
    (
        "a read alias without a write index",
        serving("a", "b"),
        {"a": {"SETTINGS": {"aliases": {"all": {}}}}, "b": {"SETTINGS": {"aliases": {"all": {}}}}},
        {},
        "W007",
        ["ES_INDICES['b']['SETTINGS']['aliases']", "'all'"],
    ),
    ("a dot NAME", serving("x"), index(NAME=".x"), {}, "W008", [I + "['NAME']", "'.x'"]),
    (
        "a NAME too long to rebuild",
        serving("x"),
        index(NAME="x" * 230),
        {},
        "W009",
        [I + "['NAME']"],
    ),
    ("ES_SERVER", server(), {}, {"ES_SERVER": {}}, "W010", ["ES_SERVER", "ES_SERVERS"]),
    ("ES_INDEXES", server(), {}, {"ES_INDEXES": {}}, "W010", ["ES_INDEXES", "ES_INDICES"]),
    ("ES_REBUILD_WAIT", server(), {}, {"ES_REBUILD_WAIT": 3}, "W010", ["ES_REBUILD_WAIT"]),
    (
        "HOSTS of the embedded engine",
        server(ENGINE="embedded"),
        {},
        {},
        "W011",
        [S + "['HOSTS']", "embedded"],
    ),
    (
        "rebuild ttl infinite",
        server(),
        {},
        {"ES_REBUILD_TTL": float("inf")},
        "E002",
        ["ES_REBUILD_TTL"],
    ),
    ("rebuild ttl nan", server(), {}, {"ES_REBUILD_TTL": float("nan")}, "E002", ["ES_REBUILD_TTL"]),
    (
        "rebuild hold zero",
        server(),
        {},
        {"ES_REBUILD_HOLD_TIMEOUT": 0},
        "E002",
        ["ES_REBUILD_HOLD_TIMEOUT"],
    ),
    ("server key", {"default": {}, 1: {}}, {}, {}, "E002", ["ES_SERVERS key 1", "string"]),
    ("index key", server(), {2: {}}, {}, "E002", ["ES_INDICES key 2", "string"]),
    ("source", server(), index(SOURCE="nowhere.documents"), {}, "E012", [I + "['SOURCE']"]),
    ("source type", server(), index(SOURCE=42), {}, "E002", [I + "['SOURCE']"]),
]


def displayed_frames(error: BaseException) -> list[str]:
    """The files of every frame in the traceback Python would print for ``error``."""
    files: list[str] = []
    seen: BaseException | None = error
    while seen is not None:
        files += [frame.filename for frame in traceback.extract_tb(seen.__traceback__)]
        if seen.__cause__ is not None:
            seen = seen.__cause__
        elif seen.__context__ is not None and not seen.__suppress_context__:
            seen = seen.__context__
        else:
            seen = None
    return files


CLIENT_CODE = tuple(
    os.path.dirname(module.__file__ or "") + os.sep for module in (elasticsearch, elastic_transport)
)


@pytest.mark.parametrize(
    ("servers", "indices", "named"),
    [pytest.param(s, i, n, id=name) for name, s, i, _, n in CATALOGUE],
)
def test_each_mistake_is_named_on_first_use(servers: Any, indices: Any, named: list[str]) -> None:
    handler = ConnectionHandler(servers=servers, indices=indices)  # nothing checked yet
    entry = servers.get("x") if isinstance(servers, dict) else None
    params = entry.get("PARAMS") if isinstance(entry, dict) else None
    old = [name for name in RENAMED if isinstance(params, dict) and name in params]
    renamed = (  # a 0.3 name is translated, with its warning, before its value is refused
        pytest.warns(DeprecationWarning, match=f"'{old[0]}' is djangoes 0.3's name")
        if old
        else nullcontext()
    )
    with pytest.raises(ImproperlyConfigured) as raised, renamed:
        handler["x"]
    message = str(raised.value)
    for fragment in named:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    inside = [f for f in displayed_frames(raised.value) if f.startswith(CLIENT_CODE)]
    assert inside == [], f"a traceback from inside the client: {inside}"


@pytest.mark.parametrize(
    ("servers", "indices", "other", "code", "named"),
    [pytest.param(s, i, {}, c, n, id=name) for name, s, i, c, n in CATALOGUE]
    + [pytest.param(s, i, o, c, n, id=name) for name, s, i, o, c, n in LAYOUT],
)
def test_check_reports_each_mistake_with_its_id(
    servers: Any, indices: Any, other: dict[str, Any], code: str, named: list[str]
) -> None:
    with override_settings(ES_SERVERS=servers, ES_INDICES=indices, **other):
        messages = check_settings()
    found = [m for m in messages if m.id == f"djangoes.{code}"]
    assert found, f"no djangoes.{code} in {[(m.id, m.msg) for m in messages]}"
    assert any(all(fragment in m.msg for fragment in named) for m in found), [m.msg for m in found]
    assert all(m.hint == HINTS[code] for m in found)
    level = checks.WARNING if code.startswith("W") else checks.ERROR
    assert all(m.level == level for m in found)
    if code.startswith("E"):  # one mistake: one error, whatever the warnings
        assert [m.id for m in messages if m.level >= checks.ERROR] == [f"djangoes.{code}"]


#: Ids only ``check`` reports: about entries together, or warnings.
LAYOUT_ONLY = {"E014", "E015", "E016", "E017", *(code for code in HINTS if code[0] == "W")}


@pytest.mark.parametrize(
    ("servers", "indices", "other"),
    [pytest.param(s, i, o, id=name) for name, s, i, o, c, _ in LAYOUT if c in LAYOUT_ONLY],
)
def test_what_only_check_reports_does_not_stop_a_connection(
    servers: Any, indices: Any, other: dict[str, Any]
) -> None:
    """Reading the settings refuses none of the layout mistakes: a project that ran with them
    keeps running, ``check`` says what is wrong."""
    with override_settings(**other):
        handler = ConnectionHandler(servers=servers, indices=indices)
        assert handler["x" if "x" in servers else "default"].alias


def test_the_catalogue(figures: Any) -> None:
    kinds = {
        "ES_SERVERS": sum(1 for *_, n in CATALOGUE if n[0].startswith(S) and P not in n[0]),
        "ES_INDICES": sum(1 for *_, n in CATALOGUE if n[0].startswith(I)),
        "PARAMS": sum(1 for *_, n in CATALOGUE if n[0].startswith(P)),
    }
    codes = {code for *_, code, _ in [*CATALOGUE, *LAYOUT]}
    figures(
        "bad-configuration",
        cases=len(CATALOGUE),
        layout_cases=len(LAYOUT),
        ids=len(codes),
        **kinds,
    )
    assert len(CATALOGUE) >= 30
    assert len(CATALOGUE) + len(LAYOUT) >= 60
    names = [name for name, *_ in [*CATALOGUE, *LAYOUT]]
    assert len(set(names)) == len(names)
    # Every id but E009 (a transport not installed: tests/core/commands/test_checks.py) is here.
    assert codes == set(HINTS) - {"E009"}


def test_secrets_in_params_stay_out_of_the_messages() -> None:
    secret = "s3cr3t-p4ss"
    for options in (
        {"basic_auth": ("elastic", secret), "max_retries": "3"},
        {"api_key": secret, "request_timeout": -1},
        {"basic_auth": ("elastic", secret), "ca_certs": "/nonexistent/ca.pem"},
        {"api_key": secret, "cloud_id": "name:Zm9v"},
        {"bearer_auth": secret, "bearer_aut": secret},
    ):
        with pytest.raises(ImproperlyConfigured) as raised:
            ConnectionHandler(servers=params(**options), indices={})["x"]
        assert secret not in str(raised.value)
        assert secret not in repr(raised.value)


@pytest.mark.parametrize(
    "hosts",
    [
        [f"https://elastic:{SECRET}@es1:9200,es2:9200"],
        [f"https://elastic:{SECRET}@es1:9200/?pretty"],
        [f"https://elastic:{SECRET}@es1 :9200"],
        [f"https://elastic:{SECRET}@es1:9200", f"https://elastic:{SECRET}@es1:9200/"],
    ],
)
def test_credentials_in_a_refused_host_stay_out_of_the_messages(hosts: list[str]) -> None:
    """A host is quoted to say what is wrong with it, without its ``user:password@``."""
    servers = {"default": {"HOSTS": hosts}}
    with pytest.raises(ImproperlyConfigured) as raised:
        ConnectionHandler(servers=servers, indices={})["default"]
    with override_settings(ES_SERVERS=servers, ES_INDICES={}):
        (message,) = check_settings()
    assert message.id == "djangoes.E005"
    for text in (str(raised.value), repr(raised.value), message.msg):
        assert "es1" in text
        assert SECRET not in text and "elastic:" not in text
