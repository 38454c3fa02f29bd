"""Fixtures of the thrift transport's tests: gateways on free ports, and clients of them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import trustme

from djangoes_backends_thrift.server import ThriftGateway, start_in_thread
from djangoes_backends_thrift.tls import server_context
from djangoes_engine.upstream import EmbeddedUpstream


@pytest.fixture(scope="session")
def upstream() -> Iterator[EmbeddedUpstream]:
    """One in-process engine behind every gateway of these tests."""
    engine = EmbeddedUpstream()
    yield engine
    engine.close()


@pytest.fixture
def gateway(upstream: EmbeddedUpstream) -> Iterator[ThriftGateway]:
    """A buffered gateway of the test's own (its counters start at zero)."""
    server = start_in_thread(upstream)
    yield server
    server.stop()


@pytest.fixture
def framed_gateway(upstream: EmbeddedUpstream) -> Iterator[ThriftGateway]:
    server = start_in_thread(upstream, framed=True)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_gateway(
    upstream: EmbeddedUpstream, ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ThriftGateway]:
    """A gateway serving TLS with a certificate for 127.0.0.1 and localhost, signed by ``ca``."""
    certificate = ca.issue_cert("127.0.0.1", "localhost")
    pem = tmp_path_factory.mktemp("tls") / "gateway.pem"
    certificate.private_key_and_cert_chain_pem.write_to_path(str(pem))
    server = start_in_thread(upstream, ssl_context=server_context(str(pem)))
    yield server
    server.stop()
