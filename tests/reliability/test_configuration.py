"""Bad configuration: a catalogue of malformed ``ES_SERVERS``, ``ES_INDICES`` and ``PARAMS``.

Each one is given to a ``ConnectionHandler`` (nothing is checked before the first use) and
the connection ``'x'`` is then used: the error must be an ImproperlyConfigured whose message
names the setting, the alias and the key at fault, and nothing from inside elasticsearch-py
or elastic-transport may show: not its exception, not a frame of its code in the traceback
Python would print. ``tests/core/test_settings.py`` checks the wording of the ``conf`` errors;
this catalogue checks the whole way, from the settings to a built client.
"""

from __future__ import annotations

import os
import traceback
from typing import Any

import elastic_transport
import elasticsearch
import pytest
from django.core.exceptions import ImproperlyConfigured

from djangoes import ConnectionHandler

pytestmark = pytest.mark.slow

HOST = "http://127.0.0.1:9"
S = "ES_SERVERS['x']"
I = "ES_INDICES['x']"  # noqa: E741
P = "ES_SERVERS['x']['PARAMS']"


def server(**entry: Any) -> dict[str, Any]:
    return {"default": {"HOSTS": [HOST]}, "x": {"HOSTS": [HOST], **entry}}


def params(**options: Any) -> dict[str, Any]:
    return server(PARAMS=options)


def index(**entry: Any) -> dict[str, Any]:
    return {"x": entry}


#: (id, ES_SERVERS, ES_INDICES, what the message must name)
CATALOGUE: list[tuple[str, Any, Any, list[str]]] = [
    # ES_SERVERS
    ("server not a dict", {"default": {}, "x": ["localhost"]}, {}, [S, "dict"]),
    ("unknown server key", server(HOST=["a"]), {}, [S, "'HOST'", "'HOSTS'"]),
    ("hosts not a list", server(HOSTS=42), {}, [S + "['HOSTS']"]),
    ("host not a string", server(HOSTS=[["a"]]), {}, [S + "['HOSTS']"]),
    ("empty host", server(HOSTS=["  "]), {}, [S + "['HOSTS']", "empty"]),
    ("host scheme", server(HOSTS=["ftp://es"]), {}, [S + "['HOSTS']", "'ftp'"]),
    ("host port", server(HOSTS=["es:ninety"]), {}, [S + "['HOSTS']", "port"]),
    ("host port range", server(HOSTS=["es:99999"]), {}, [S + "['HOSTS']", "port"]),
    ("host dict key", server(HOSTS=[{"hots": "es"}]), {}, [S + "['HOSTS']", "'hots'"]),
    ("host dict port", server(HOSTS=[{"host": "es", "port": "9200"}]), {}, [S + "['HOSTS']"]),
    ("engine type", server(ENGINE=["http"]), {}, [S + "['ENGINE']"]),
    ("engine unknown", server(ENGINE="htp"), {}, [S + "['ENGINE']", "'htp'"]),
    ("engine path", server(ENGINE="nowhere.Backend"), {}, [S + "['ENGINE']", "nowhere"]),
    ("indices unknown", server(INDICES=["nope"]), {}, [S + "['INDICES']", "'nope'"]),
    ("indices type", server(INDICES=[1]), {}, [S + "['INDICES']"]),
    ("params type", server(PARAMS="timeout=1"), {}, [P, "dict"]),
    ("test type", server(TEST=["x"]), {}, [S + "['TEST']"]),
    ("test key", server(TEST={"INDICE": []}), {}, [S + "['TEST']", "'INDICE'"]),
    # ES_INDICES
    ("index not a dict", server(), {"x": "books"}, [I, "dict"]),
    ("unknown index key", server(), index(NAMES="b"), [I, "'NAMES'", "'NAME'"]),
    ("index name type", server(), index(NAME=3), [I + "['NAME']"]),
    ("index name case", server(), index(NAME="Books"), [I + "['NAME']", "'Books'"]),
    ("index name chars", server(), index(NAME="a,b"), [I + "['NAME']", "'a,b'"]),
    ("index name start", server(), index(NAME="-b"), [I + "['NAME']", "'-b'"]),
    ("aliases type", server(), index(ALIASES=[1]), [I + "['ALIASES']"]),
    ("settings key", server(), index(SETTINGS={"mapping": {}}), [I + "['SETTINGS']"]),
    ("settings type", server(), index(SETTINGS={"settings": 1}), [I + "['SETTINGS']"]),
    ("test name live", server(), index(NAME="b", TEST={"NAME": "b"}), [I + "['TEST']['NAME']"]),
    ("test and tests", server(), index(TEST={}, TESTS={}), [I, "'TESTS'"]),
    # PARAMS, checked against elasticsearch.Elasticsearch when the client is built
    ("unknown option", params(request_timeot=1), {}, [P, "'request_timeot'", "request_timeout"]),
    ("unknown option 2", params(foo=1), {}, [P, "'foo'"]),
    ("timeout string", params(request_timeout="fast"), {}, [P + "['request_timeout']"]),
    ("timeout zero", params(request_timeout=0), {}, [P + "['request_timeout']", "0"]),
    ("0.3 timeout", params(timeout="slow"), {}, [P + "['request_timeout']"]),
    ("retries negative", params(max_retries=-1), {}, [P + "['max_retries']", "-1"]),
    ("retries float", params(max_retries=2.5), {}, [P + "['max_retries']", "integer"]),
    ("retries string", params(max_retries="3"), {}, [P + "['max_retries']"]),
    ("retry flag", params(retry_on_timeout="yes"), {}, [P + "['retry_on_timeout']"]),
    ("basic_auth number", params(basic_auth=42), {}, [P + "['basic_auth']"]),
    ("basic_auth one", params(basic_auth=("user",)), {}, [P + "['basic_auth']"]),
    ("api_key number", params(api_key=12345), {}, [P + "['api_key']"]),
    ("verify flag", params(verify_certs="no"), {}, [P + "['verify_certs']"]),
    ("pool size", params(connections_per_node=0), {}, [P + "['connections_per_node']"]),
    ("backoff", params(dead_node_backoff_factor="1s"), {}, [P + "['dead_node_backoff_factor']"]),
    ("headers", params(headers="X-A: b"), {}, [P + "['headers']"]),
    ("header value", params(headers={"X-A": 1}), {}, [P + "['headers']['X-A']"]),
    ("statuses", params(retry_on_status="502"), {}, [P + "['retry_on_status']"]),
    ("selector", params(node_selector_class="fastest"), {}, [P + "['node_selector_class']"]),
    ("hosts in params", params(hosts=["http://a:9200"]), {}, [P, "'hosts'", "HOSTS"]),
    ("node class", params(node_class="urllib3"), {}, [P, "'node_class'", "ENGINE"]),
    ("ca_certs type", params(ca_certs=1), {}, [P + "['ca_certs']"]),
    ("ca_certs on http", params(ca_certs="/nonexistent/ca.pem"), {}, [P, "https"]),
    ("cloud_id and hosts", params(cloud_id="name:Zm9v"), {}, [P, "cloud_id"]),
    (
        "embedded engine",
        server(ENGINE="embedded", PARAMS={"name": "catalogue", "max_retries": -1}),
        {},
        [P + "['max_retries']"],
    ),
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
    [pytest.param(s, i, n, id=name) for name, s, i, n in CATALOGUE],
)
def test_each_mistake_is_named_on_first_use(servers: Any, indices: Any, named: list[str]) -> None:
    handler = ConnectionHandler(servers=servers, indices=indices)  # nothing checked yet
    with pytest.raises(ImproperlyConfigured) as raised:
        handler["x"]
    message = str(raised.value)
    for fragment in named:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    inside = [f for f in displayed_frames(raised.value) if f.startswith(CLIENT_CODE)]
    assert inside == [], f"a traceback from inside the client: {inside}"


def test_the_catalogue(figures: Any) -> None:
    kinds = {
        "ES_SERVERS": sum(1 for _, s, i, n in CATALOGUE if n[0].startswith(S) and P not in n[0]),
        "ES_INDICES": sum(1 for _, s, i, n in CATALOGUE if n[0].startswith(I)),
        "PARAMS": sum(1 for _, s, i, n in CATALOGUE if n[0].startswith(P)),
    }
    figures("bad-configuration", cases=len(CATALOGUE), **kinds)
    assert len(CATALOGUE) >= 30
    assert len({name for name, *_ in CATALOGUE}) == len(CATALOGUE)


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
