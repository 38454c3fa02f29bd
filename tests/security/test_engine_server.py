"""The engine's HTTP server with authentication, plain and over TLS: elasticsearch-py and the
djangoes transports that reach it over HTTP, without credentials, with wrong ones and with
right ones (a user's password, an API key); the 401 exactly as Elasticsearch sends it; TLS 1.1
refused; load shedding kept over TLS.
"""

from __future__ import annotations

import base64
import json
import socket
import ssl
import warnings
from typing import Any

import pytest
import urllib3
from elastic_transport import TlsError
from elasticsearch import AuthenticationException, Elasticsearch

from djangoes_engine import Engine
from djangoes_engine.server import start_in_thread
from djangoes_gateway.authentication import CHALLENGE
from tests.support import connection

from .engine_servers import (
    PASSWORD,
    USER,
    WRONG,
    Pki,
    Served,
    es_client,
    pki,
    secured,
)

__all__ = ["pki", "secured"]  # fixtures

TRANSPORTS = ["plain", "tls"]
#: Each way of asking, and whether the server lets it in.
CREDENTIALS = ["none", "wrong password", "right password", "wrong api key", "right api key"]


def credentials(kind: str, served: Served) -> dict[str, Any]:
    return {
        "none": {},
        "wrong password": {"basic_auth": (USER, WRONG)},
        "right password": {"basic_auth": (USER, PASSWORD)},
        "wrong api key": {"api_key": (served.api_key_id, WRONG)},
        "right api key": {"api_key": served.encoded_key},
    }[kind]


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("kind", CREDENTIALS)
def test_elasticsearch_py(secured: dict[bool, Served], pki: Pki, transport: str, kind: str) -> None:
    served = secured[transport == "tls"]
    client = es_client(served, pki, **credentials(kind, served))
    if kind.startswith("right"):
        assert client.info()["tagline"] == "You Know, for Search"
        assert client.search(index="*", size=0)["hits"]["total"]["value"] >= 0
        who = client.security.authenticate()
        assert who["username"] == USER
        assert who["authentication_type"] == ("api_key" if "key" in kind else "realm")
    else:
        with pytest.raises(AuthenticationException) as refused:
            client.info()
        assert refused.value.meta.status == 401
        assert refused.value.body["error"]["type"] == "security_exception"
    client.close()


def raw(served: Served, pki: Pki, method: str, path: str, **headers: str) -> Any:
    pool = urllib3.PoolManager(ca_certs=str(pki.ca)) if served.tls else urllib3.PoolManager()
    response = pool.request(method, served.url + path, headers=headers, retries=False)
    pool.clear()
    return response


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_the_401_is_elasticsearchs(secured: dict[bool, Served], pki: Pki, transport: str) -> None:
    served = secured[transport == "tls"]
    response = raw(served, pki, "GET", "/_search?q=x")
    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == CHALLENGE
    assert response.headers["X-elastic-product"] == "Elasticsearch"
    assert response.headers["Content-Type"] == "application/json"
    reason = "missing authentication credentials for REST request [/_search?q=x]"
    cause = {
        "type": "security_exception",
        "reason": reason,
        "header": {"WWW-Authenticate": [CHALLENGE]},
    }
    assert json.loads(response.data) == {"error": {"root_cause": [cause], **cause}, "status": 401}
    basic = base64.b64encode(f"{USER}:{WRONG}".encode()).decode()
    wrong = raw(served, pki, "POST", "/_bulk", Authorization=f"Basic {basic}")
    assert wrong.status == 401
    assert json.loads(wrong.data)["error"]["reason"] == (
        f"unable to authenticate user [{USER}] for REST request [/_bulk]"
    )
    assert WRONG not in wrong.data.decode()


def test_a_refused_request_writes_nothing(secured: dict[bool, Served], pki: Pki) -> None:
    served = secured[False]
    body = b'{"title": "intruder"}'
    response = urllib3.request("PUT", served.url + "/intruded/_doc/1", body=body, retries=False)
    assert response.status == 401
    client = es_client(served, pki, basic_auth=(USER, PASSWORD))
    assert not client.indices.exists(index="intruded")


def test_tls_1_1_is_refused_and_1_2_accepted(secured: dict[bool, Served], pki: Pki) -> None:
    port = secured[True].server.port

    def handshake(version: ssl.TLSVersion) -> str:
        context = ssl.create_default_context(cafile=str(pki.ca))
        context.set_ciphers("DEFAULT:@SECLEVEL=0")  # let this client offer the old version
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # TLSv1_1 is, rightly
            context.minimum_version = context.maximum_version = version
        with (
            socket.create_connection(("127.0.0.1", port), timeout=10) as sock,
            context.wrap_socket(sock, server_hostname="127.0.0.1") as tls,
        ):
            return str(tls.version())

    # The server refuses the offer (an alert, or a close under uvloop); a client that could not
    # offer TLS 1.1 would fail before sending anything (NO_PROTOCOLS_AVAILABLE).
    with pytest.raises(ssl.SSLError, match=r"ALERT_PROTOCOL_VERSION|UNEXPECTED_EOF"):
        handshake(ssl.TLSVersion.TLSv1_1)
    assert handshake(ssl.TLSVersion.TLSv1_2) == "TLSv1.2"


def test_plain_http_to_the_tls_port_gets_no_answer(secured: dict[bool, Served]) -> None:
    client = Elasticsearch(
        secured[True].url.replace("https", "http"),
        basic_auth=(USER, PASSWORD),
        max_retries=0,
        request_timeout=5,
    )
    with pytest.raises(Exception) as failed:  # the TLS server drops the cleartext request
        client.info()
    assert type(failed.value).__name__ in ("ConnectionError", "ConnectionTimeout")
    client.close()


def test_an_untrusted_certificate_is_refused_by_the_client(secured: dict[bool, Served]) -> None:
    client = Elasticsearch(secured[True].url, basic_auth=(USER, PASSWORD), max_retries=0)
    with pytest.raises(TlsError):  # the test CA is not among the system's
        client.info()
    client.close()


# --- djangoes connections ---------------------------------------------------------------------

#: Each backend reaching the server over HTTP, and how its PARAMS carry each credential.
BACKENDS = ["http", "requests", "opensearch"]


def djangoes_params(engine: str, kind: str, served: Served, pki: Pki) -> dict[str, Any]:
    params: dict[str, Any] = {"max_retries": 0}
    if served.tls:
        params["ca_certs"] = str(pki.ca)
    password = {"right password": PASSWORD, "wrong password": WRONG}.get(kind)
    if password is not None:
        if engine == "opensearch":
            params["http_auth"] = (USER, password)
        else:
            params["basic_auth"] = (USER, password)
    elif kind == "right api key":
        params["api_key"] = served.encoded_key
    elif kind == "wrong api key":
        params["api_key"] = (served.api_key_id, WRONG)
    return params


def status_of(error: BaseException) -> int | None:
    meta = getattr(error, "meta", None)
    return getattr(meta, "status", None) or getattr(error, "status_code", None)


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("kind", CREDENTIALS)
@pytest.mark.parametrize("engine", BACKENDS)
def test_djangoes_connections(
    secured: dict[bool, Served],
    pki: Pki,
    engine: str,
    kind: str,
    transport: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served = secured[transport == "tls"]
    # requests lets these override a session's own CA file (psf/requests#3829): where the
    # machine sets them, the requests node would trust the system's CAs instead of ca_certs.
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    if engine == "opensearch" and "api key" in kind:
        pytest.skip("opensearch-py has no api_key parameter (OpenSearch has no API keys)")
    conn = connection(
        {
            "ENGINE": engine,
            "HOSTS": [served.url],
            "PARAMS": djangoes_params(engine, kind, served, pki),
        }
    )
    if kind.startswith("right"):
        assert conn.info()["version"]["number"]
    else:
        with pytest.raises(Exception) as refused:
            conn.info()
        assert status_of(refused.value) == 401, repr(refused.value)
    conn.close()


def test_opensearch_py_has_no_api_key_parameter() -> None:
    """The skipped rows above: opensearch-py's client takes no ``api_key``."""
    from opensearchpy import OpenSearch

    client = OpenSearch(["http://127.0.0.1:9"], api_key="x")  # kept as a connection kwarg
    assert "api_key" not in repr(client.transport.connection_pool.connections[0].headers)


# --- load shedding over TLS -------------------------------------------------------------------


def test_over_tls_the_connection_cap_still_evicts_the_idle(pki: Pki) -> None:
    engine = Engine()
    server = start_in_thread(engine.handle, ssl_context=pki.server_context(), max_connections=2)
    context = ssl.create_default_context(cafile=str(pki.ca))
    try:
        idle = []
        for _ in range(2):
            sock = context.wrap_socket(
                socket.create_connection(("127.0.0.1", server.port), timeout=10),
                server_hostname="127.0.0.1",
            )
            idle.append(sock)
        client = Elasticsearch(server.url, ca_certs=str(pki.ca), max_retries=0)
        assert client.info()["tagline"] == "You Know, for Search"
        assert server.stats()["evicted"] >= 1
        client.close()
        for sock in idle:
            sock.close()
    finally:
        server.stop()
        engine.close()


def test_over_tls_a_trickled_request_is_cut(pki: Pki) -> None:
    engine = Engine()
    server = start_in_thread(engine.handle, ssl_context=pki.server_context(), read_timeout=0.5)
    context = ssl.create_default_context(cafile=str(pki.ca))
    try:
        with context.wrap_socket(
            socket.create_connection(("127.0.0.1", server.port), timeout=30),
            server_hostname="127.0.0.1",
        ) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the end of the headers
            assert sock.recv(1024) == b""  # closed by the server, unanswered
        assert server.stats()["read_timeouts"] == 1
    finally:
        server.stop()
        engine.close()


def test_in_thread_from_certificate_files(pki: Pki) -> None:
    engine = Engine()
    server = start_in_thread(engine.handle, certfile=str(pki.cert), keyfile=str(pki.key))
    try:
        assert server.url.startswith("https://127.0.0.1:")
        client = Elasticsearch(server.url, ca_certs=str(pki.ca), max_retries=0)
        assert client.info()["tagline"] == "You Know, for Search"  # no authenticator: open
        client.close()
    finally:
        server.stop()
        engine.close()
    with pytest.raises(ValueError, match="without certfile"):
        start_in_thread(engine.handle, keyfile=str(pki.key))


def test_a_refused_body_sent_after_100_continue_closes_the_connection(
    secured: dict[bool, Served],
) -> None:
    """The client waits for a 100 Continue that never comes: the 401 closes the connection,
    so the body it might send after is never read as a request."""
    port = secured[False].server.port
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"PUT /x/_doc/1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 2\r\nExpect: 100-continue\r\n\r\n"
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 401 ")
    assert b"connection: close" in answer.lower()
