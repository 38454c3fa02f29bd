"""The engine's HTTP server with authentication, plain and over TLS, for the security tests.

A CA and a certificate for 127.0.0.1 and localhost from trustme; a users file with one user;
servers started in this process (``ServerThread``) with an :class:`Authenticator` over that file
and the engine's API keys. The throttle answers failures at once here: the matrix makes many on
purpose, and the delay is the authenticator's own (tests/gateway/test_authentication.py).
"""

from __future__ import annotations

import base64
import ssl
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme
from elasticsearch import Elasticsearch

from djangoes_engine import Engine
from djangoes_engine.api_keys import ApiKeys
from djangoes_engine.server import ServerThread, start_in_thread
from djangoes_gateway.authentication import Authenticator, Throttle
from djangoes_gateway.users import UsersFile

USER = "alice"
PASSWORD = f"pw-{uuid.uuid4().hex}"
WRONG = f"wrong-{uuid.uuid4().hex}"
#: No delay before a refusal: the matrix fails on purpose, many times.
NO_DELAY = Throttle(base=0.0, ceiling=0.0)


@dataclass(frozen=True)
class Pki:
    """Files of a test CA and of the certificate it issued for 127.0.0.1."""

    ca: Path
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert, self.key)
        return context


@dataclass
class Served:
    """A running server, the users file it checks and an API key of its user."""

    server: ServerThread
    users: Path
    tls: bool
    api_key_id: str = ""
    api_key: str = ""

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def encoded_key(self) -> str:
        return base64.b64encode(f"{self.api_key_id}:{self.api_key}".encode()).decode()


def make_pki(directory: Path) -> Pki:
    ca = trustme.CA()
    issued = ca.issue_cert("127.0.0.1", "localhost")
    pki = Pki(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    ca.cert_pem.write_to_path(str(pki.ca))
    issued.cert_chain_pems[0].write_to_path(str(pki.cert))
    for extra in issued.cert_chain_pems[1:]:
        extra.write_to_path(str(pki.cert), append=True)
    issued.private_key_pem.write_to_path(str(pki.key))
    return pki


def make_users(path: Path) -> Path:
    UsersFile(path).set_password(USER, PASSWORD)
    return path


def es_client(served: Served, pki: Pki, **auth: Any) -> Elasticsearch:
    """elasticsearch-py on ``served``, trusting the test CA over TLS."""
    tls = {"ca_certs": str(pki.ca)} if served.tls else {}
    return Elasticsearch(served.url, max_retries=0, **tls, **auth)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def secured(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[bool, Served]]:
    """A plain and a TLS server (by ``tls``), each with its users file and one API key."""
    users = make_users(tmp_path_factory.mktemp("users") / "users")
    engine = Engine()
    servers: dict[bool, Served] = {}
    for tls in (False, True):
        authenticator = Authenticator(UsersFile(users), ApiKeys(), throttle=NO_DELAY)
        server = start_in_thread(
            engine.handle,
            ssl_context=pki.server_context() if tls else None,
            authenticator=authenticator,
        )
        served = Served(server, users, tls)
        created = es_client(served, pki, basic_auth=(USER, PASSWORD)).security.create_api_key(
            name="matrix"
        )
        served.api_key_id, served.api_key = created["id"], created["api_key"]
        servers[tls] = served
    yield servers
    for served in servers.values():
        served.server.stop()
    engine.close()
