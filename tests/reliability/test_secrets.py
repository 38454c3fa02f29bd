"""Secrets: credentials set in ``PARAMS`` never show, and TLS is verified unless switched off.

Each kind of credential is given to three connections: one that works (through each
transport), one to a port that refuses connections and (over HTTP) one to a server that
answers 401. Requests are made on all three, successful and failing, with every logger at
DEBUG and stdout/stderr captured; then the reprs of the connection, client, transport,
node pool, nodes and node configs, the log records (tracebacks included), the output, and
the str, repr and formatted traceback of every error raised are searched for the secret, raw
and in the encoded forms it travels in (``Basic base64(user:password)``, ``ApiKey
base64(id:key)``). The 401 server records what it received, which shows the credentials were
really sent. ``es_check`` and ``es_indices list`` are run on the same connections.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import ssl
import threading
import time
import traceback
import uuid
from collections.abc import Iterator
from contextlib import nullcontext
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme
import urllib3
from django.core.management import CommandError, call_command
from django.test import override_settings
from elastic_transport import ConnectionError, TlsError
from elasticsearch import AuthenticationException, NotFoundError
from urllib3.exceptions import InsecureRequestWarning

from djangoes import ConnectionHandler

from .conftest import TRANSPORTS
from .netfaults import Proxy, port_of, refusing_port, with_port

pytestmark = pytest.mark.slow

PASSWORD = f"pw-{uuid.uuid4().hex}"
KEY = f"key-{uuid.uuid4().hex}"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


#: Each kind of credential: its PARAMS, and every form in which it must never show.
CREDENTIALS = {
    "basic_auth": ({"basic_auth": ("elastic", PASSWORD)}, [PASSWORD, b64(f"elastic:{PASSWORD}")]),
    "http_auth (0.3)": (
        {"http_auth": f"elastic:{PASSWORD}"},
        [PASSWORD, b64(f"elastic:{PASSWORD}")],
    ),
    "api_key": ({"api_key": KEY}, [KEY]),
    "api_key pair": ({"api_key": ("key-id", KEY)}, [KEY, b64(f"key-id:{KEY}")]),
    "bearer_auth": ({"bearer_auth": KEY}, [KEY]),
}


class Locked(BaseHTTPRequestHandler):
    """Answers everything with Elasticsearch's 401, noting the Authorization header."""

    seen: list[str]

    def deny(self) -> None:
        self.seen.append(self.headers.get("Authorization", ""))
        reason = "unable to authenticate user [elastic] for REST request [/]"
        body = json.dumps(
            {
                "error": {
                    "root_cause": [{"type": "security_exception", "reason": reason}],
                    "type": "security_exception",
                    "reason": reason,
                },
                "status": 401,
            }
        ).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-elastic-product", "Elasticsearch")
        self.send_header("WWW-Authenticate", 'Basic realm="security"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = deny

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def locked() -> Iterator[tuple[str, list[str]]]:
    """A server that answers 401 to everything: its URL, and the Authorization headers seen."""
    seen: list[str] = []
    handler = type("Handler", (Locked,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG, those with a level of their own included."""
    loggers = [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    yield caplog
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def reprs(connection: Any) -> list[str]:
    """The repr (and str) of a connection and of everything under it."""
    client = connection.client
    transport = client.transport
    shown = [repr(connection), str(connection), repr(client), str(client), repr(transport)]
    shown += [repr(transport.node_pool), repr(client._headers)]
    for node in transport.node_pool.all():
        shown += [repr(node), str(node), repr(node.config), str(node.config)]
    shown.append(str(getattr(connection, "queries", "")))
    return shown


def failure(call: Any, expected: type[BaseException] | tuple[type[BaseException], ...]) -> str:
    """Everything an error raised by ``call`` shows: str, repr and its formatted traceback."""
    with pytest.raises(expected) as raised:
        call()
    error = raised.value
    texts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    texts += [repr(e) for e in getattr(error, "errors", ())]
    return "\n".join(texts)


def formatted(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in records)


@pytest.mark.parametrize("credential", list(CREDENTIALS))
@pytest.mark.parametrize("transport_endpoint", TRANSPORTS, indirect=True)
def test_credentials_never_show(
    transport_endpoint: dict[str, Any],
    transport_name: str,
    credential: str,
    locked: tuple[str, list[str]],
    everything_logged: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    figures: Any,
) -> None:
    params, secrets = CREDENTIALS[credential]
    host = transport_endpoint["HOSTS"][0]
    base = {**transport_endpoint, "PARAMS": {**transport_endpoint.get("PARAMS", {}), **params}}
    servers = {
        "default": base,
        "down": {**base, "HOSTS": [with_port(host, refusing_port())]},
    }
    http = transport_name in ("http", "requests")
    if http:
        servers["locked"] = {**base, "HOSTS": [locked[0]]}
    handler = ConnectionHandler(servers=servers, indices={})
    index = f"secrets-{uuid.uuid4().hex[:8]}"
    shown: list[str] = []
    seen_before = len(locked[1])

    # Each connection translates the 0.3 name of its own PARAMS, with a warning.
    renamed = "0.3" in credential
    with pytest.warns(DeprecationWarning, match="0.3's name") if renamed else nullcontext():
        good = handler["default"]
    good.info()
    good.index(index=index, id="1", document={"title": "secret"}, refresh=True)
    good.options(request_timeout=10).search(index=index, query={"match": {"title": "secret"}})
    shown.append(failure(lambda: good.get(index=index + "-missing", id="1"), NotFoundError))
    with pytest.warns(DeprecationWarning, match="0.3's name") if renamed else nullcontext():
        down = handler["down"]
    shown.append(failure(down.info, ConnectionError))
    if http:
        with pytest.warns(DeprecationWarning, match="0.3's name") if renamed else nullcontext():
            locked_connection = handler["locked"]
        shown.append(failure(locked_connection.info, AuthenticationException))
        sent = locked[1][seen_before:]
        assert sent and all(value.split(" ")[0] in ("Basic", "ApiKey", "Bearer") for value in sent)
    for alias in handler:
        shown += reprs(handler[alias])
    shown.append(formatted(everything_logged.records))
    output = capsys.readouterr()
    shown += [output.out, output.err]
    handler.close_all()

    text = "\n".join(shown)
    figures(
        f"secrets[{transport_name},{credential}]",
        texts_searched=len(shown),
        characters_searched=len(text),
        log_records=len(everything_logged.records),
        found=sum(text.count(secret) for secret in secrets),
    )
    for secret in secrets:
        assert secret not in text


def test_the_commands_never_show_credentials(
    engine_url: str, locked: tuple[str, list[str]], everything_logged: Any, figures: Any
) -> None:
    from djangoes.management.commands import es_check, es_indices

    params, secrets = CREDENTIALS["basic_auth"]
    api_params, api_secrets = CREDENTIALS["api_key pair"]
    servers = {
        "default": {"ENGINE": "http", "HOSTS": [engine_url], "PARAMS": params, "INDICES": ["b"]},
        "locked": {"ENGINE": "http", "HOSTS": [locked[0]], "PARAMS": api_params},
        "down": {"ENGINE": "requests", "HOSTS": [f"http://127.0.0.1:{refusing_port()}"]},
    }
    servers["down"]["PARAMS"] = {**params, "max_retries": 0}
    indices = {"b": {"NAME": f"secrets-{uuid.uuid4().hex[:8]}"}}
    outputs: list[str] = []
    with override_settings(ES_SERVERS=servers, ES_INDICES=indices):
        for command, args in (
            (es_check.Command(), []),
            (es_check.Command(), ["--verbosity", "3"]),
            (es_indices.Command(), ["list"]),
            (es_indices.Command(), ["list", "--verbosity", "3"]),
            (es_indices.Command(), ["create", "--using", "default"]),
        ):
            out, err = io.StringIO(), io.StringIO()
            try:
                call_command(command, *args, stdout=out, stderr=err)
            except CommandError as error:
                outputs.append(f"CommandError: {error}")
            outputs += [out.getvalue(), err.getvalue()]
    outputs.append(formatted(everything_logged.records))
    text = "\n".join(outputs)
    figures("secrets[commands]", commands_run=5, characters_searched=len(text))
    assert "locked" in text and "down" in text  # the commands did report on them
    for secret in secrets + api_secrets:
        assert secret not in text


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, Path]:
    """A server-side TLS context with a certificate for 127.0.0.1 from a fresh CA (trustme),
    and the CA's certificate in a file."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    path = tmp_path_factory.mktemp("tls") / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return context, path


TLS_TRANSPORTS = [
    "http",
    "requests",
    "thrift-http",
]


@pytest.mark.parametrize("transport_endpoint", TLS_TRANSPORTS, indirect=True)
def test_tls_is_verified_unless_switched_off(
    transport_endpoint: dict[str, Any],
    transport_name: str,
    tls: tuple[ssl.SSLContext, Path],
    figures: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server (behind a TLS-terminating proxy) has a certificate no system trusts.

    (requests lets ``REQUESTS_CA_BUNDLE`` and ``CURL_CA_BUNDLE`` override a session's own
    verification settings, and so ``ca_certs`` and ``verify_certs``: they are unset here, and
    the next test shows what they do.)
    """
    for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(variable, raising=False)
    context, ca_file = tls
    host = transport_endpoint["HOSTS"][0]
    with Proxy(port_of(host), tls=context) as proxy:
        https = with_port(host, proxy.port).replace("http://", "https://")

        def connection(**params: Any) -> Any:
            params = {**transport_endpoint.get("PARAMS", {}), "max_retries": 0, **params}
            server = {**transport_endpoint, "HOSTS": [https], "PARAMS": params}
            return ConnectionHandler(servers={"default": server}, indices={})["default"]

        refused = failure(connection().info, TlsError)
        deadline = time.monotonic() + 5  # the proxy notes the failed handshake in its thread
        while not proxy.tls_failures and time.monotonic() < deadline:
            time.sleep(0.01)
        refused_handshakes = proxy.tls_failures
        trusted = connection(ca_certs=str(ca_file)).info()
        # elastic-transport warns of verify_certs=False; urllib3 (under http and requests)
        # adds its InsecureRequestWarning on each unverified request.
        insecure = (
            pytest.warns(InsecureRequestWarning, match="Unverified HTTPS request")
            if transport_name in ("http", "requests")
            else nullcontext()
        )
        with pytest.warns(Warning, match="verify_certs=False"), insecure:
            unverified = connection(verify_certs=False).info()
    figures(
        f"tls[{transport_name}]",
        default="refused",
        handshakes_refused=refused_handshakes,
        with_ca_certs="verified",
        verify_certs_false="accepted, with a warning",
    )
    assert "CERTIFICATE_VERIFY_FAILED" in refused or "certificate verify failed" in refused
    assert refused_handshakes >= 1
    assert trusted["tagline"] == unverified["tagline"] == "You Know, for Search"


def test_with_requests_a_ca_bundle_in_the_environment_wins_but_never_unverifies(
    engine_url: str, tls: tuple[ssl.SSLContext, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """requests (elastic-transport's RequestsHttpNode) lets ``REQUESTS_CA_BUNDLE`` override
    ``ca_certs`` and ``verify_certs=False`` (elastic/elasticsearch-py#929, "a Requests-ism"):
    with the system bundle there, neither takes effect. It fails closed: verification stays on.
    """
    context, ca_file = tls
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", ssl.get_default_verify_paths().openssl_cafile)
    with Proxy(port_of(engine_url), tls=context) as proxy:
        for params in ({"ca_certs": str(ca_file)}, {"verify_certs": False, "ssl_show_warn": False}):
            server = {
                "ENGINE": "requests",
                "HOSTS": [f"https://127.0.0.1:{proxy.port}"],
                "PARAMS": {"max_retries": 0, **params},
            }
            connection = ConnectionHandler(servers={"default": server}, indices={})["default"]
            assert "certificate verify failed" in failure(connection.info, TlsError)


# ENGINE 'opensearch': opensearch-py's ways to authenticate, the same searches

#: AWS credentials botocore's chain finds in the environment (fake: the engine ignores them).
AWS_SECRET = f"aws-secret-{uuid.uuid4().hex}"
AWS_TOKEN = f"aws-token-{uuid.uuid4().hex}"
OPENSEARCH_CREDENTIALS = {
    "basic_auth": ({"basic_auth": ("admin", PASSWORD)}, [PASSWORD, b64(f"admin:{PASSWORD}")]),
    "http_auth": ({"http_auth": f"admin:{PASSWORD}"}, [PASSWORD, b64(f"admin:{PASSWORD}")]),
    "http_auth pair": ({"http_auth": ("admin", PASSWORD)}, [PASSWORD, b64(f"admin:{PASSWORD}")]),
    "url userinfo": ({}, [PASSWORD, b64(f"admin:{PASSWORD}")]),
    "aws sigv4": ({"aws": {"region": "eu-west-1", "service": "es"}}, [AWS_SECRET, AWS_TOKEN]),
}


def opensearch_reprs(connection: Any) -> list[str]:
    """The repr (and str) of an OpenSearch connection and of everything under it."""
    client = connection.client
    transport = client.transport
    shown = [repr(connection), str(connection), repr(client), str(client), repr(transport)]
    shown += [repr(transport.connection_pool), repr(transport.hosts), connection.location()]
    for pooled in transport.connection_pool.connections:
        shown += [repr(pooled), str(pooled)]
    shown.append(str(getattr(connection, "queries", "")))
    return shown


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Credentials for botocore's chain, from the environment only (no files, no instance)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", AWS_TOKEN)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.parametrize("credential", list(OPENSEARCH_CREDENTIALS))
@pytest.mark.usefixtures("aws_environment")
def test_opensearch_credentials_never_show(
    engine_url: str,
    credential: str,
    locked: tuple[str, list[str]],
    everything_logged: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The same as :func:`test_credentials_never_show`, through ``ENGINE: 'opensearch'``: a
    working connection, one refused, one answered 401 (which shows what was really sent)."""
    import opensearchpy

    params, secrets = OPENSEARCH_CREDENTIALS[credential]

    def host(url: str) -> str:
        return url.replace("://", f"://admin:{PASSWORD}@") if credential == "url userinfo" else url

    base = {"ENGINE": "opensearch", "HOSTS": [host(engine_url)], "PARAMS": params}
    servers = {
        "default": base,
        "down": {**base, "HOSTS": [host(f"http://127.0.0.1:{refusing_port()}")]},
        "locked": {**base, "HOSTS": [host(locked[0])]},
    }
    handler = ConnectionHandler(servers=servers, indices={})
    index = f"secrets-{uuid.uuid4().hex[:8]}"
    seen_before = len(locked[1])
    good = handler["default"]
    good.force_queries_log = True
    good.info()
    good.index(index=index, id="1", document={"title": "secret"}, refresh=True)
    good.options(request_timeout=10).search(index=index, query={"match": {"title": "secret"}})
    shown = [
        failure(lambda: good.get(index=index + "-missing", id="1"), opensearchpy.NotFoundError)
    ]
    shown.append(failure(handler["down"].options(max_retries=0).info, opensearchpy.ConnectionError))
    shown.append(failure(handler["locked"].info, opensearchpy.AuthenticationException))
    sent = locked[1][seen_before:]
    scheme = "AWS4-HMAC-SHA256" if credential == "aws sigv4" else "Basic"
    assert sent and all(value.startswith(scheme) for value in sent)  # really sent
    for alias in handler:
        shown += opensearch_reprs(handler[alias])
    shown.append(formatted(everything_logged.records))
    output = capsys.readouterr()
    shown += [output.out, output.err]
    handler.close_all()
    text = "\n".join(shown)
    for secret in secrets:
        assert secret not in text


@pytest.mark.usefixtures("aws_environment")
def test_opensearch_commands_never_show_credentials(
    engine_url: str, locked: tuple[str, list[str]], everything_logged: Any
) -> None:
    from djangoes.management.commands import es_check, es_indices

    basic = {"basic_auth": ("admin", PASSWORD)}
    servers = {
        "default": {
            "ENGINE": "opensearch",
            "HOSTS": [engine_url],
            "PARAMS": basic,
            "INDICES": ["b"],
        },
        "locked": {
            "ENGINE": "opensearch",
            "HOSTS": [locked[0]],
            "PARAMS": {"aws": {"region": "eu-west-1"}},
        },
        "down": {
            "ENGINE": "opensearch",
            "HOSTS": [f"http://admin:{PASSWORD}@127.0.0.1:{refusing_port()}"],
            "PARAMS": {"max_retries": 0},
        },
    }
    indices = {"b": {"NAME": f"secrets-{uuid.uuid4().hex[:8]}"}}
    outputs: list[str] = []
    with override_settings(ES_SERVERS=servers, ES_INDICES=indices):
        for command, args in (
            (es_check.Command(), []),
            (es_check.Command(), ["--verbosity", "3"]),
            (es_indices.Command(), ["list"]),
            (es_indices.Command(), ["create", "--using", "default"]),
        ):
            out, err = io.StringIO(), io.StringIO()
            try:
                call_command(command, *args, stdout=out, stderr=err)
            except CommandError as error:
                outputs.append(f"CommandError: {error}")
            outputs += [out.getvalue(), err.getvalue()]
    outputs.append(formatted(everything_logged.records))
    text = "\n".join(outputs)
    assert "'locked' (opensearch: http://127.0.0.1:" in text and "'down'" in text
    assert "answered 401" in text  # the signed requests were refused, and said so
    for secret in (PASSWORD, b64(f"admin:{PASSWORD}"), AWS_SECRET, AWS_TOKEN):
        assert secret not in text


def test_opensearch_tls_is_verified_unless_switched_off(
    engine_url: str, tls: tuple[ssl.SSLContext, Path]
) -> None:
    """The same server behind TLS, through ``ENGINE: 'opensearch'``: refused without the CA,
    verified with ``ca_certs``, accepted with a warning with ``verify_certs=False``."""
    import opensearchpy

    context, ca_file = tls
    with Proxy(port_of(engine_url), tls=context) as proxy:

        def connection(**params: Any) -> Any:
            server = {
                "ENGINE": "opensearch",
                "HOSTS": [f"https://127.0.0.1:{proxy.port}"],
                "PARAMS": {"max_retries": 0, **params},
            }
            return ConnectionHandler(servers={"default": server}, indices={})["default"]

        refused = failure(connection().info, opensearchpy.SSLError)
        trusted = connection(ca_certs=str(ca_file)).info()
        with (
            pytest.warns(Warning, match="verify_certs=False"),
            pytest.warns(InsecureRequestWarning, match="Unverified HTTPS request"),
        ):
            unverified = connection(verify_certs=False).info()
    assert "CERTIFICATE_VERIFY_FAILED" in refused or "certificate verify failed" in refused
    assert trusted["version"]["distribution"] == unverified["version"]["distribution"]


# The engine's server with --users and API keys: what it logs, answers and keeps


def test_the_engine_server_never_shows_credentials(
    tmp_path: Path,
    tls: tuple[ssl.SSLContext, Path],
    everything_logged: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    figures: Any,
) -> None:
    """Right and wrong passwords and API keys sent to ``djangoes-embedded serve --users``
    (in this process, over TLS): the server's log lines, its 401s and listings, the users and
    keys files, the reprs of everything holding a secret, and the errors the client raised
    never show one. The key's secret appears once, where Elasticsearch shows it too: in the
    answer to its creation."""
    from elasticsearch import Elasticsearch

    from djangoes_engine import Engine
    from djangoes_engine.api_keys import ApiKeys
    from djangoes_engine.server import start_in_thread
    from djangoes_gateway.authentication import Authenticator
    from djangoes_gateway.users import UsersFile

    context, ca_file = tls
    users = UsersFile(tmp_path / "users")
    users.set_password("elastic", PASSWORD)
    keys = ApiKeys(str(tmp_path / "data"))
    authenticator = Authenticator(users, keys)
    engine = Engine()
    server = start_in_thread(engine.handle, ssl_context=context, authenticator=authenticator)
    shown: list[str] = []

    def client(**auth: Any) -> Elasticsearch:
        return Elasticsearch(server.url, ca_certs=str(ca_file), max_retries=0, **auth)

    try:
        es = client(basic_auth=("elastic", PASSWORD))
        # Created by hand: elastic-transport logs response bodies at DEBUG, this one included.
        pool = urllib3.PoolManager(ca_certs=str(ca_file))
        created = pool.request(
            "POST",
            server.url + "/_security/api_key",
            json={"name": "secrets"},
            headers=urllib3.make_headers(basic_auth=f"elastic:{PASSWORD}"),
        ).json()
        pool.clear()
        key, encoded = created["api_key"], created["encoded"]
        keyed = client(api_key=encoded)
        keyed.index(index="secrets", id="1", document={"title": "secret"}, refresh=True)
        wrong_password = f"wrong-{uuid.uuid4().hex}"
        wrong_key = f"wrong-key-{uuid.uuid4().hex}"
        shown.append(
            failure(client(basic_auth=("elastic", wrong_password)).info, AuthenticationException)
        )
        shown.append(
            failure(client(api_key=(created["id"], wrong_key)).info, AuthenticationException)
        )
        shown.append(json.dumps(es.security.get_api_key(owner=True).body))
        shown.append(json.dumps(keyed.security.authenticate().body))
        shown.append(json.dumps(es.security.invalidate_api_key(ids=[created["id"]]).body))
        shown.append(failure(keyed.info, AuthenticationException))
        shown += [repr(x) for x in (users, keys, authenticator, *keys.find())]
        shown += [repr(es), repr(keyed)]
    finally:
        server.stop()
        engine.close()
    shown.append((tmp_path / "users").read_text())
    shown.append((tmp_path / "data" / "_security" / "api_keys.json").read_text())
    shown.append(formatted(everything_logged.records))
    output = capsys.readouterr()
    shown += [output.out, output.err]
    text = "\n".join(shown)
    secrets = [
        PASSWORD,
        b64(f"elastic:{PASSWORD}"),
        wrong_password,
        b64(f"elastic:{wrong_password}"),
        key,
        encoded,
        wrong_key,
        b64(f"{created['id']}:{wrong_key}"),
    ]
    figures("secrets[engine server]", characters_searched=len(text))
    assert "authentication failed from 127.0.0.1" in text  # the failures were logged
    assert created["id"] in text  # and the key is named where it is not shown
    for secret in secrets:
        assert secret not in text
