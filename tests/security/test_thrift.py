"""The thrift transport's credentials: a real gateway that checks them (``--users``) or
forwards them to an upstream that does (``--forward-credentials``), the djangoes thrift
backend sending them (``PARAMS`` ``basic_auth``/``api_key``, ``HOSTS`` with ``user:password@``),
over plain thrift and TLS, buffered and framed.

Each row of the matrix: no credentials, wrong ones, right ones, through the backend; a refusal
is Elasticsearch's 401, which elasticsearch-py raises as ``AuthenticationException`` with
Elasticsearch's reason. The upstream that checks forwarded credentials is the engine's HTTP
server with the servers' shared authenticator in front of the engine's handler (what
``djangoes-embedded serve --users`` does, once that is on main).
"""

from __future__ import annotations

import base64
import json
import logging
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import trustme
from elasticsearch import AuthenticationException, ConnectionTimeout

from djangoes_backends_thrift import gateway as thrift_gateway
from djangoes_backends_thrift.server import ThriftGateway, start_in_thread
from djangoes_backends_thrift.tls import server_context
from djangoes_engine import Engine
from djangoes_engine.http import Request, Response
from djangoes_engine.server import start_in_thread as start_http_server
from djangoes_engine.upstream import EmbeddedUpstream
from djangoes_gateway.authentication import (
    CHALLENGE,
    AuthenticationFailed,
    Authenticator,
    Throttle,
)
from djangoes_gateway.upstreams import HttpUpstream
from djangoes_gateway.users import UsersFile
from tests.endpoints import thrift_connection as connect

PASSWORD = "s3cret-thrift-pass@word"
WRONG = "not-the-password"
API_KEY = ("key-id-1", "api-key-secret-value")
#: The gateway's own password, for an upstream that checks credentials.
GATEWAY_PASSWORD = "gateway:own/pass@word"
#: What must never be logged: the secrets, and the headers that carry them.
SECRETS = [
    PASSWORD,
    quote(PASSWORD, safe=""),
    GATEWAY_PASSWORD,
    quote(GATEWAY_PASSWORD, safe=""),
    WRONG,
    API_KEY[1],
    base64.b64encode(f"alice:{PASSWORD}".encode()).decode(),
    base64.b64encode(f"alice:{WRONG}".encode()).decode(),
    base64.b64encode(":".join(API_KEY).encode()).decode(),
]

#: Credentials, as settings give them: (``PARAMS`` beyond the TLS ones, ``user:password@`` in
#: ``HOSTS`` or ""), and the reason of the 401 (None: served).
CREDENTIALS: dict[str, tuple[dict[str, Any], str, str | None]] = {
    "none": ({}, "", "missing authentication credentials for REST request [GET /]"),
    "wrong password": (
        {"basic_auth": ("alice", WRONG)},
        "",
        "unable to authenticate user [alice] for REST request [GET /]",
    ),
    "unknown user": (
        {},
        f"mallory:{quote(PASSWORD, safe='')}@",
        "unable to authenticate user [mallory] for REST request [GET /]",
    ),
    "api key": ({"api_key": API_KEY}, "", f"API key [{API_KEY[0]}] is not valid"),
    "right basic_auth": ({"basic_auth": ("alice", PASSWORD)}, "", None),
    "right in HOSTS": ({}, f"alice:{quote(PASSWORD, safe='')}@", None),
}


@pytest.fixture(scope="module")
def users_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("users") / "users"
    users = UsersFile(path)
    users.set_password("alice", PASSWORD)
    users.set_password("gateway", GATEWAY_PASSWORD)
    return path


@pytest.fixture(scope="module")
def engine_upstream() -> Iterator[EmbeddedUpstream]:
    engine = EmbeddedUpstream()
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def certificate(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The gateway's certificate and key, for 127.0.0.1 and localhost, signed by ``ca``."""
    pem = tmp_path_factory.mktemp("tls") / "gateway.pem"
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(str(pem))
    return str(pem)


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(params=["plain", "tls"])
def scheme(request: pytest.FixtureRequest) -> str:
    return str(request.param)


Client = Callable[..., Any]


@pytest.fixture
def client(scheme: str, ca_file: str) -> Iterator[Client]:
    """``client(gateway, credentials_name, **params)``: a connection of the thrift backend to
    ``gateway`` (of ``scheme``) with those credentials; closed after the test."""
    opened: list[Any] = []

    def make(gateway: ThriftGateway, credentials: str, **params: Any) -> Any:
        extra, userinfo, _ = CREDENTIALS[credentials]
        tls = {"ca_certs": ca_file} if scheme == "tls" else {}
        url_scheme = "https" if scheme == "tls" else "http"
        host = f"{url_scheme}://{userinfo}127.0.0.1:{gateway.port}"
        connection = connect(host, max_retries=0, **extra, **tls, **params)
        opened.append(connection)
        return connection

    yield make
    for connection in opened:
        connection.close()


def gateway_options(scheme: str, certificate: str) -> dict[str, Any]:
    return {"ssl_context": server_context(certificate)} if scheme == "tls" else {}


@pytest.fixture
def checking_gateway(
    engine_upstream: EmbeddedUpstream, users_path: Path, scheme: str, certificate: str
) -> Iterator[ThriftGateway]:
    """A gateway that checks credentials against the users file (``--users``), in front of the
    in-process engine; an authenticator of its own, so that each test's failures are its own."""
    authenticator = Authenticator(UsersFile(users_path))
    server = start_in_thread(
        engine_upstream, authenticator=authenticator, **gateway_options(scheme, certificate)
    )
    yield server
    server.stop()


def authenticating(handle: Callable[[Request], Response], users: Path) -> Callable:
    """``handle`` behind the shared authenticator: an upstream that checks credentials."""
    authenticator = Authenticator(UsersFile(users), throttle=Throttle(base=0.0))

    def handler(request: Request) -> Response:
        try:
            authenticator.authenticate(
                request.headers.get("authorization"),
                peer="upstream:0",
                request=f"{request.method} {request.path}",
            )
        except AuthenticationFailed as failure:
            body = json.dumps(failure.to_dict()).encode()
            return Response(failure.status, body, headers=dict(failure.headers))
        return handle(request)

    return handler


@pytest.fixture(scope="module")
def checking_upstream(users_path: Path) -> Iterator[str]:
    """The URL of the engine's HTTP server, checking each request's credentials."""
    engine = Engine()
    server = start_http_server(authenticating(engine.handle, users_path), "127.0.0.1", 0)
    yield server.url
    server.stop()
    engine.close()


@pytest.fixture
def http_upstream(checking_upstream: str) -> Iterator[HttpUpstream]:
    upstream = HttpUpstream(checking_upstream)
    yield upstream
    upstream.close()


@pytest.fixture
def forwarding_gateway(
    http_upstream: HttpUpstream, scheme: str, certificate: str
) -> Iterator[ThriftGateway]:
    """A gateway that forwards credentials (``--forward-credentials``) to ``checking_upstream``."""
    server = start_in_thread(
        http_upstream, forward_credentials=True, **gateway_options(scheme, certificate)
    )
    yield server
    server.stop()


def assert_refused(connection: Any, reason: str) -> None:
    with pytest.raises(AuthenticationException) as raised:
        connection.info()
    error = raised.value
    assert error.status_code == 401
    assert error.message == "security_exception"
    assert reason in error.body["error"]["reason"]
    assert reason in str(error)
    assert error.meta.headers["www-authenticate"] == CHALLENGE


def assert_served(connection: Any, index: str) -> None:
    assert connection.info()["tagline"] == "You Know, for Search"
    connection.client.index(index=index, id="1", document={"title": "thrift"}, refresh=True)
    assert connection.client.get(index=index, id="1")["_source"] == {"title": "thrift"}
    connection.client.indices.delete(index=index)


def assert_outcome(connection: Any, credentials: str, index: str) -> None:
    """Served, or refused for the reason ``CREDENTIALS`` gives ``credentials``."""
    reason = CREDENTIALS[credentials][2]
    if reason is None:
        assert_served(connection, index)
    else:
        assert_refused(connection, reason)


# --- the gateway checks credentials (--users) ------------------------------------------------


@pytest.mark.parametrize("credentials", list(CREDENTIALS))
def test_the_gateway_checks_credentials(
    checking_gateway: ThriftGateway, client: Client, credentials: str, prefix: str
) -> None:
    connection = client(checking_gateway, credentials)
    assert_outcome(connection, credentials, f"{prefix}checked")


@pytest.mark.parametrize("credentials", ["none", "wrong password", "right in HOSTS"])
def test_the_framed_transport_carries_credentials_too(
    engine_upstream: EmbeddedUpstream,
    users_path: Path,
    scheme: str,
    certificate: str,
    client: Client,
    credentials: str,
    prefix: str,
) -> None:
    server = start_in_thread(
        engine_upstream,
        framed=True,
        authenticator=Authenticator(UsersFile(users_path)),
        **gateway_options(scheme, certificate),
    )
    try:
        connection = client(server, credentials, framed_transport=True)
        assert_outcome(connection, credentials, f"{prefix}framed")
    finally:
        server.stop()


def test_a_refusal_waits_for_the_throttle_before_answering(
    engine_upstream: EmbeddedUpstream, users_path: Path
) -> None:
    """The brute-force slowdown: no answer comes before the throttle's delay (here ten times
    what the client waits), and the gateway serves others meanwhile."""
    slow = Throttle(base=5.0, ceiling=5.0)
    server = start_in_thread(
        engine_upstream, authenticator=Authenticator(UsersFile(users_path), throttle=slow)
    )
    host = f"http://127.0.0.1:{server.port}"
    guesser = connect(host, basic_auth=("alice", WRONG), request_timeout=0.5, max_retries=0)
    user = connect(host, basic_auth=("alice", PASSWORD), max_retries=0)
    try:
        with pytest.raises(ConnectionTimeout):
            guesser.info()
        assert user.info()["tagline"] == "You Know, for Search"
    finally:
        guesser.close()
        user.close()
        server.stop(timeout=0.5)  # not waiting for the refusal still being delayed


# --- the upstream checks credentials (--forward-credentials) ----------------------------------


@pytest.mark.parametrize(
    "credentials", ["none", "wrong password", "unknown user", "right in HOSTS"]
)
def test_forwarded_credentials_are_checked_by_the_upstream(
    forwarding_gateway: ThriftGateway, client: Client, credentials: str, prefix: str
) -> None:
    connection = client(forwarding_gateway, credentials)
    assert_outcome(connection, credentials, f"{prefix}forwarded")


def test_a_forwarded_api_key_reaches_the_upstream(
    forwarding_gateway: ThriftGateway, client: Client
) -> None:
    """The upstream names the key: the ``ApiKey`` header got there whole."""
    assert_refused(client(forwarding_gateway, "api key"), CREDENTIALS["api key"][2] or "")


@pytest.mark.parametrize("scheme", ["plain"])
def test_credentials_go_no_further_than_told(
    http_upstream: HttpUpstream,
    users_path: Path,
    client: Client,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A gateway that checks credentials itself, or checks none, does not pass them on: the
    upstream sees a request without any (and a gateway that drops them says so, once)."""
    missing = CREDENTIALS["none"][2] or ""
    checking = start_in_thread(http_upstream, authenticator=Authenticator(UsersFile(users_path)))
    open_gateway = start_in_thread(http_upstream)
    try:
        assert_refused(client(checking, "right basic_auth"), missing)
        with caplog.at_level(logging.WARNING, logger="djangoes.thrift"):
            dropping = client(open_gateway, "right basic_auth")
            assert_refused(dropping, missing)
            assert_refused(dropping, missing)
        dropped = [r for r in caplog.records if "Authorization header was dropped" in r.message]
        assert len(dropped) == 1
    finally:
        checking.stop()
        open_gateway.stop()


def test_a_gateway_that_checks_its_users_can_reach_the_upstream_as_itself(
    checking_upstream: str,
    users_path: Path,
    scheme: str,
    certificate: str,
    client: Client,
    caplog: pytest.LogCaptureFixture,
    prefix: str,
) -> None:
    """``user:password@`` in the upstream's URL: the gateway's identity upstream, its
    clients' checked at the gateway."""
    url = checking_upstream.replace("://", f"://gateway:{quote(GATEWAY_PASSWORD, safe='')}@")
    upstream = HttpUpstream(url)
    server = start_in_thread(
        upstream,
        authenticator=Authenticator(UsersFile(users_path)),
        **gateway_options(scheme, certificate),
    )
    try:
        with caplog.at_level(logging.DEBUG):
            assert_served(client(server, "right in HOSTS"), f"{prefix}as-itself")
            assert_refused(client(server, "none"), CREDENTIALS["none"][2] or "")
            shown = repr(server) + repr(upstream)
        for secret in SECRETS:
            assert secret not in caplog.text + shown
    finally:
        server.stop()
        upstream.close()


# --- secrets ----------------------------------------------------------------------------------


def test_no_secret_is_logged_or_shown(
    checking_gateway: ThriftGateway,
    forwarding_gateway: ThriftGateway,
    client: Client,
    caplog: pytest.LogCaptureFixture,
) -> None:
    shown: list[str] = []
    with caplog.at_level(logging.DEBUG):
        for gateway in (checking_gateway, forwarding_gateway):
            shown.append(repr(gateway))
            for credentials in ("wrong password", "api key", "right basic_auth", "right in HOSTS"):
                connection = client(gateway, credentials)
                shown += [repr(connection), repr(connection.client)]
                try:
                    connection.info()
                except AuthenticationException as error:
                    shown += [str(error), repr(error)]
    assert "authentication failed from 127.0.0.1:" in caplog.text  # the gateway's log
    assert "unable to authenticate user [alice]" in caplog.text  # the upstream's
    everything = caplog.text + "\n".join(shown)
    for secret in SECRETS:
        assert secret not in everything


# --- the command line -------------------------------------------------------------------------


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "djangoes-thrift-gateway"
    return subprocess.run([str(script), *argv], capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_the_gateway_refuses_to_listen_beyond_loopback_unauthenticated() -> None:
    refused = run("--listen", "192.0.2.1:9500", "--upstream", "embedded")
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert (
        "djangoes-thrift-gateway: refusing to listen on 192.0.2.1 without authentication"
        in refused.stderr
    )
    assert "--allow-unauthenticated" in refused.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["--users", "users", "--upstream", "embedded"],
        ["--forward-credentials", "--upstream", "http://127.0.0.1:9"],
        ["--allow-unauthenticated", "--upstream", "embedded"],
    ],
)
def test_authentication_or_the_flag_lets_it_listen_beyond_loopback(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Past the check, it tries to listen: 192.0.2.1 (TEST-NET) is no address of this machine."""
    argv = [str(tmp_path / a) if a == "users" else a for a in argv]
    assert thrift_gateway.main(["--listen", "192.0.2.1:9500", *argv]) == 1
    errors = capsys.readouterr().err
    assert "djangoes-thrift-gateway: cannot listen on 192.0.2.1:9500" in errors
    assert "refusing" not in errors


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--users", "users", "--forward-credentials"],
            "--users and --forward-credentials exclude each other",
        ),
        (
            ["--forward-credentials", "--upstream", "embedded"],
            "--forward-credentials needs an upstream that checks credentials",
        ),
        (
            ["--forward-credentials", "--upstream", "http://gateway:secret@127.0.0.1:9200"],
            "the upstream URL must not give the gateway's (user:password@)",
        ),
        (["--upstream", "ftp://gateway:secret@127.0.0.1"], "'ftp://gateway:***@127.0.0.1'"),
    ],
)
def test_credential_options_that_cannot_work_together_exit_with_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert thrift_gateway.main(argv) == 2
    errors = capsys.readouterr().err
    assert message in errors
    assert "secret" not in errors


@pytest.mark.slow
def test_the_command_checks_credentials_over_tls(
    users_path: Path, certificate: str, ca_file: str
) -> None:
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "djangoes-thrift-gateway"),
            *["--listen", "127.0.0.1:0", "--upstream", "embedded", "--log-level", "DEBUG"],
            *["--users", str(users_path), "--certfile", certificate],
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("djangoes-thrift-gateway listening on 127.0.0.1:"), line
        host = f"https://127.0.0.1:{line.rpartition(':')[2].strip()}"
        right = connect(host, ca_certs=ca_file, basic_auth=("alice", PASSWORD))
        wrong = connect(host, ca_certs=ca_file, basic_auth=("alice", WRONG), max_retries=0)
        assert right.info()["tagline"] == "You Know, for Search"
        assert_refused(wrong, "unable to authenticate user [alice] for REST request [GET /]")
        right.close()
        wrong.close()
        process.send_signal(signal.SIGTERM)
        _, logged = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, logged
    assert "(TLS, buffered, users)" in logged
    assert "authentication failed from 127.0.0.1:" in logged
    for secret in SECRETS:
        assert secret not in logged


def test_a_thread_safe_check_is_run_per_connection(
    checking_gateway: ThriftGateway, client: Client
) -> None:
    """Connections of several threads, right and wrong, each get their own answer."""
    outcomes: dict[str, Any] = {}

    def use(credentials: str) -> None:
        connection = client(checking_gateway, credentials)
        try:
            outcomes[credentials] = connection.info()["tagline"]
        except AuthenticationException as error:
            outcomes[credentials] = error.status_code

    threads = [
        threading.Thread(target=use, args=(c,)) for c in ("right basic_auth", "wrong password")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == {"right basic_auth": "You Know, for Search", "wrong password": 401}
