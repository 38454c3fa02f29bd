"""``https`` hosts: TLS to a gateway with a certificate, checked against ``ca_certs``."""

from __future__ import annotations

from pathlib import Path

import pytest
import trustme
from elastic_transport import TlsError
from elasticsearch import ConnectionError

from djangoes_backends_thrift.server import ThriftGateway
from tests.endpoints import gateway_url as url
from tests.endpoints import thrift_connection as connect


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_client_that_trusts_the_ca_is_served(
    tls_gateway: ThriftGateway, ca_file: str, host: str
) -> None:
    connection = connect(f"https://{host}:{tls_gateway.port}", ca_certs=ca_file)
    for _ in range(3):
        assert connection.info()["tagline"] == "You Know, for Search"
    assert tls_gateway.accepted == 1  # the TLS connection is pooled and reused
    connection.close()


def test_a_client_without_the_ca_gets_a_tls_error(tls_gateway: ThriftGateway) -> None:
    connection = connect(url(tls_gateway, "https"), max_retries=0)
    with pytest.raises(TlsError) as raised:
        connection.info()
    assert "CERTIFICATE_VERIFY_FAILED" in raised.value.message
    connection.close()


def test_a_certificate_for_another_name_is_refused(
    tls_gateway: ThriftGateway, ca_file: str
) -> None:
    connection = connect(
        url(tls_gateway, "https"), ca_certs=ca_file, ssl_assert_hostname="example.org"
    )
    with pytest.raises(TlsError) as raised:
        connection.info()
    assert "example.org" in raised.value.message
    connection.close()


def test_verification_can_be_turned_off(tls_gateway: ThriftGateway) -> None:
    connection = connect(url(tls_gateway, "https"), verify_certs=False, ssl_show_warn=False)
    assert connection.info()["tagline"] == "You Know, for Search"
    connection.close()


def test_plain_thrift_to_a_tls_gateway_fails_and_the_gateway_goes_on(
    tls_gateway: ThriftGateway, ca_file: str
) -> None:
    plain = connect(url(tls_gateway), max_retries=0, request_timeout=5)
    with pytest.raises(ConnectionError):
        plain.info()
    plain.close()
    secure = connect(url(tls_gateway, "https"), ca_certs=ca_file)
    assert secure.info()["tagline"] == "You Know, for Search"
    secure.close()
