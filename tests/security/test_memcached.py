"""The memcached transport's row of the security matrix: a gateway with a users file (SASL PLAIN
on the binary protocol), clients without credentials, with wrong ones and with right ones.

memcached has no TLS, so the (TLS) column is a refusal, asserted here: an ``https`` host or a TLS
option on the memcached backend is ImproperlyConfigured, never spoken to in clear. The client's
libsasl2 (bundled in pylibmc's wheel) needs the system's PLAIN plugin (Debian:
``libsasl2-modules``); the tests that authenticate are skipped, saying so, on a machine without it.
"""

from __future__ import annotations

import base64
import logging
import os
import socket
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pylibmc
import pytest
from django.core.exceptions import ImproperlyConfigured
from elasticsearch import AuthenticationException

from djangoes_backends_memcached import gateway as memcached_gateway
from djangoes_backends_memcached import plugins
from djangoes_backends_memcached.node import Credentials
from djangoes_backends_memcached.server import TEXT_REFUSED, MemcachedGateway, start_in_thread
from djangoes_gateway.authentication import Authenticator
from djangoes_gateway.upstreams import HttpUpstream
from djangoes_gateway.users import UsersFile
from tests.endpoints import memcached_client
from tests.support import connection as connect

from .conftest import PASSWORD, USER

HEADER = struct.Struct(">BBHBBHIIQ")
LIST_MECHS, SASL_AUTH, SASL_STEP, GET, VERSION = 0x20, 0x21, 0x22, 0x00, 0x0B

#: Whether pylibmc's libsasl2 finds a PLAIN mechanism (the package set SASL_PATH if it could).
SASL_READY = bool(os.environ.get("SASL_PATH")) or any(
    os.path.exists(os.path.join(path, plugins.PLUGIN)) for path in plugins.WHEEL_DEFAULT
)
needs_sasl = pytest.mark.skipif(
    not SASL_READY,
    reason="pylibmc's libsasl2 finds no PLAIN plugin on this machine: install the system's SASL "
    "plugins (Debian, Ubuntu: apt-get install libsasl2-modules) or set SASL_PATH to the "
    "directory holding libplain.so",
)


@pytest.fixture
def gateway(upstream: HttpUpstream, users_file: Path) -> Iterator[MemcachedGateway]:
    """A gateway that lets in the users of ``users_file`` (a throttle of its own per test)."""
    server = start_in_thread(upstream, authenticator=Authenticator(UsersFile(users_file)))
    yield server
    server.stop()


def settings(gateway: MemcachedGateway, **params: Any) -> dict[str, Any]:
    host = f"127.0.0.1:{gateway.port}"
    return {"ENGINE": "memcached", "HOSTS": [host], "PARAMS": {"max_retries": 0, **params}}


# The matrix, through djangoes' backend.


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
def test_no_credentials_is_a_401_that_says_what_to_give(
    gateway: MemcachedGateway, binary: bool
) -> None:
    connection = connect(settings(gateway, binary=binary))
    with pytest.raises(AuthenticationException) as raised:
        connection.client.info()
    assert raised.value.status_code == 401
    assert (
        f"missing authentication credentials for the memcached gateway 127.0.0.1:{gateway.port}"
        in str(raised.value)
    )
    assert "basic_auth" in str(raised.value)
    connection.close()


@needs_sasl
def test_wrong_credentials_are_a_401_naming_the_user_and_the_gateway_not_the_password(
    gateway: MemcachedGateway, caplog: pytest.LogCaptureFixture
) -> None:
    connection = connect(settings(gateway, basic_auth=(USER, "not " + PASSWORD)))
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthenticationException) as raised:
        connection.client.info()
    message = str(raised.value)
    assert (
        f"unable to authenticate user [{USER}] with the memcached gateway 127.0.0.1:{gateway.port}"
        in message
    )
    [failure] = [r for r in caplog.records if r.name == "djangoes_gateway.authentication"]
    assert failure.levelname == "WARNING"
    assert f"unable to authenticate user [{USER}]" in failure.getMessage()
    assert "127.0.0.1:" in failure.getMessage()
    everything = message + repr(raised.value.body) + caplog.text
    assert PASSWORD not in everything
    connection.close()


@needs_sasl
@pytest.mark.parametrize("where", ["PARAMS", "HOSTS"])
def test_right_credentials_work_from_params_or_hosts(
    gateway: MemcachedGateway, where: str, prefix: str
) -> None:
    if where == "PARAMS":
        server = settings(gateway, basic_auth=(USER, PASSWORD))
    else:
        server = settings(gateway)
        server["HOSTS"] = [f"http://{USER}:{PASSWORD.replace(' ', '%20')}@127.0.0.1:{gateway.port}"]
    connection = connect(server)
    client = connection.client
    assert client.info()["tagline"] == "You Know, for Search"
    index = f"{prefix}-sasl"
    client.index(index=index, id="1", document={"title": "locked"}, refresh=True)  # a write's
    assert client.get(index=index, id="1")["_source"] == {"title": "locked"}  # follow-up read
    client.indices.delete(index=index)
    assert PASSWORD not in repr(connection.client.transport.node_pool.all())
    connection.close()


def test_an_api_key_is_a_401_saying_the_transport_carries_a_password_only(
    gateway: MemcachedGateway,
) -> None:
    connection = connect(settings(gateway, api_key=("id", "key")))
    with pytest.raises(AuthenticationException, match="carries a user name and password only"):
        connection.client.info()
    connection.close()


@needs_sasl
def test_credentials_for_a_gateway_without_users_are_a_401_saying_so(
    upstream: HttpUpstream,
) -> None:
    server = start_in_thread(upstream)
    try:
        connection = connect(settings(server, basic_auth=(USER, PASSWORD)))
        with pytest.raises(AuthenticationException, match="takes no credentials"):
            connection.client.info()
        connection.close()
    finally:
        server.stop()


def test_the_tls_column_is_refused_clearly_memcached_has_no_tls(gateway: MemcachedGateway) -> None:
    with pytest.raises(ImproperlyConfigured, match=r"\['HOSTS'\] has an https host.*no TLS"):
        connect({"ENGINE": "memcached", "HOSTS": [f"https://127.0.0.1:{gateway.port}"]})
    with pytest.raises(ImproperlyConfigured, match=r"\['PARAMS'\].*TLS options require"):
        connect(settings(gateway, ca_certs=__file__, basic_auth=(USER, PASSWORD)))


def test_credentials_keep_their_password_out_of_reprs(gateway: MemcachedGateway) -> None:
    assert PASSWORD not in repr(Credentials(USER, PASSWORD))
    assert PASSWORD not in str(Credentials(USER, PASSWORD))
    client = memcached_client(gateway.port, basic_auth=(USER, PASSWORD))
    [node] = client.transport.node_pool.all()
    with node._pool_for(Credentials(USER, PASSWORD)).connection() as pylibmc_client:
        assert PASSWORD not in repr(pylibmc_client) + str(pylibmc_client) + repr(node)
    client.close()


# The protocol, packet by packet, and with pylibmc directly.


def request(
    sock: socket.socket, opcode: int, key: bytes = b"", value: bytes = b""
) -> tuple[int, bytes]:
    """Send one binary request; the status and value of its answer."""
    body = key + value
    sock.sendall(HEADER.pack(0x80, opcode, len(key), 0, 0, 0, len(body), 7, 0) + body)
    header = sock.recv(HEADER.size, socket.MSG_WAITALL)
    magic, answered, key_length, extras, _, status, length, opaque, _ = HEADER.unpack(header)
    assert (magic, answered, opaque) == (0x81, opcode, 7)
    data = sock.recv(length, socket.MSG_WAITALL) if length else b""
    return status, data[extras + key_length :]


def test_sasl_as_memcached_speaks_it(gateway: MemcachedGateway) -> None:
    with socket.create_connection(("127.0.0.1", gateway.port)) as sock:
        assert request(sock, LIST_MECHS) == (0, b"PLAIN ")  # the space: see sasl.MECHANISMS
        assert request(sock, VERSION)[0] == 0  # allowed before authentication, as in memcached
        assert request(sock, GET, b"/") == (0x20, b"Auth failure.")
        wrong = f"\0{USER}\0nope".encode()
        assert request(sock, SASL_AUTH, b"PLAIN", wrong) == (0x20, b"Auth failure.")
        assert request(sock, SASL_AUTH, b"CRAM-MD5", b"") == (0x20, b"Auth failure.")
        right = f"{USER}\0{USER}\0{PASSWORD}".encode()
        assert request(sock, SASL_STEP, b"PLAIN", right) == (0x20, b"Auth failure.")
        assert request(sock, SASL_AUTH, b"PLAIN", right) == (0, b"Authenticated")
        status, value = request(sock, GET, b"/")
        assert status == 0 and value.startswith(b"DJANGOES/1 200")


def test_another_authorization_identity_is_refused(gateway: MemcachedGateway) -> None:
    with socket.create_connection(("127.0.0.1", gateway.port)) as sock:
        payload = f"root\0{USER}\0{PASSWORD}".encode()
        assert request(sock, SASL_AUTH, b"PLAIN", payload) == (0x20, b"Auth failure.")
        assert request(sock, GET, b"/")[0] == 0x20


@needs_sasl
def test_pylibmc_authenticates_with_username_and_password(gateway: MemcachedGateway) -> None:
    server = [f"127.0.0.1:{gateway.port}"]
    wrong = pylibmc.Client(server, binary=True, username=USER, password="nope")
    with pytest.raises(pylibmc.Error, match="AUTHENTICATION FAILURE"):
        wrong.get("/")
    without = pylibmc.Client(server, binary=True)
    with pytest.raises(pylibmc.Error, match="error 41 from memcached_delete"):
        without.delete("/nothing")
    right = pylibmc.Client(server, binary=True, username=USER, password=PASSWORD)
    assert right.get("/").startswith(b"DJANGOES/1 200")
    for client in (wrong, without, right):
        client.disconnect_all()


def test_the_text_protocol_is_refused_and_closed(gateway: MemcachedGateway) -> None:
    with socket.create_connection(("127.0.0.1", gateway.port)) as sock:
        sock.sendall(b"get /\r\n")
        answer = sock.recv(4096, socket.MSG_WAITALL)
        assert answer == TEXT_REFUSED
        assert answer.startswith(b"CLIENT_ERROR unauthenticated")
        assert sock.recv(1) == b""  # closed


# SASL plugins on the client's machine.


def test_the_package_points_libsasl2_at_the_systems_plugins() -> None:
    directories = plugins.plugin_directories()
    if not directories:
        pytest.skip(
            "no SASL PLAIN plugin on this machine (Debian: apt-get install libsasl2-modules)"
        )
    env = {k: v for k, v in os.environ.items() if k != "SASL_PATH"}
    code = "import os, djangoes_backends_memcached; print(os.environ.get('SASL_PATH'))"
    found = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert found.stdout.strip() == ":".join(directories)


def client_login_with_plugins_from(directory: Path, gateway: MemcachedGateway) -> str:
    """What a client process whose libsasl2 looks for plugins in ``directory`` only is told
    when it logs in (its stdout and stderr)."""
    code = f"""
from elasticsearch import AuthenticationException, Elasticsearch
from djangoes_backends_memcached.node import MemcachedNode, node_config
client = Elasticsearch([node_config("http://127.0.0.1:{gateway.port}", {{}})],
    node_class=MemcachedNode, basic_auth=({USER!r}, {PASSWORD!r}), max_retries=0)
try:
    client.info()
except AuthenticationException as error:
    print(error)
"""
    env = {**os.environ, "SASL_PATH": str(directory)}
    told = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert PASSWORD not in told.stdout + told.stderr
    return told.stdout


def test_a_client_without_the_plain_plugin_is_told_how_to_get_it(
    gateway: MemcachedGateway, tmp_path: Path
) -> None:
    told = client_login_with_plugins_from(tmp_path, gateway)  # a directory without plugins
    assert f"could not authenticate with the memcached gateway 127.0.0.1:{gateway.port}" in told
    assert "apt-get install libsasl2-modules" in told


def test_a_plain_plugin_that_fails_to_load_is_named_not_taken_for_a_wrong_password(
    gateway: MemcachedGateway, tmp_path: Path
) -> None:
    (tmp_path / plugins.PLUGIN).write_bytes(b"not a shared library")
    told = client_login_with_plugins_from(tmp_path, gateway)
    assert f"could not authenticate with the memcached gateway 127.0.0.1:{gateway.port}" in told
    assert "libsasl2 could not start SASL PLAIN" in told
    assert "unable to authenticate user" not in told


# The command line.


def test_a_non_loopback_bind_without_users_is_refused_with_exit_1(users_file: Path) -> None:
    script = Path(sys.executable).parent / "djangoes-memcached-gateway"
    argv = [str(script), "--listen", "0.0.0.0:0", "--upstream", "http://127.0.0.1:9"]
    refused = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert (
        "djangoes-memcached-gateway: refusing to listen on 0.0.0.0 without authentication"
        in refused.stderr
    )
    assert "--users FILE" in refused.stderr and "--allow-unauthenticated" in refused.stderr


def test_users_reach_the_gateway_from_the_command_line(users_file: Path) -> None:
    command = memcached_gateway.Command()
    arguments = command.create_parser().parse_args(["--users", str(users_file)])
    options = command.server_options(arguments)
    assert isinstance(options["authenticator"], Authenticator)
    assert options["authenticator"].users.names() == [USER]
    assert command.server_options(command.create_parser().parse_args([]))["authenticator"] is None


def test_basic_header_of_a_plain_payload_never_logs_it(
    gateway: MemcachedGateway, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.DEBUG),
        socket.create_connection(("127.0.0.1", gateway.port)) as sock,
    ):
        payload = f"\0{USER}\0{PASSWORD}-typo".encode()
        assert request(sock, SASL_AUTH, b"PLAIN", payload)[0] == 0x20
    assert PASSWORD not in caplog.text
    assert base64.b64encode(f"{USER}:{PASSWORD}-typo".encode()).decode() not in caplog.text
    assert f"[{USER}]" in caplog.text
