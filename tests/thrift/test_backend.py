"""``ENGINE: 'thrift'`` and djangoes 0.3's ``SimpleThriftBackend`` name the same backend."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from djangoes.backends import elasticsearch
from djangoes.backends.loading import load_backend
from djangoes_backends_thrift import FramedThriftNode, SimpleThriftBackend, ThriftNode
from tests.endpoints import thrift_connection as connect


def test_the_short_name_and_the_0_3_name_load_the_backend() -> None:
    assert load_backend("thrift") is SimpleThriftBackend
    assert load_backend("djangoes.backends.elasticsearch.SimpleThriftBackend") is (
        SimpleThriftBackend
    )
    assert elasticsearch.SimpleThriftBackend is SimpleThriftBackend
    assert SimpleThriftBackend.connection_class is ThriftNode


def test_framed_transport_chooses_the_node_and_is_not_a_client_option() -> None:
    connection = connect("http://127.0.0.1:9500", framed_transport=True, request_timeout=3)
    assert connection.connection_class is FramedThriftNode
    assert connection.client_options() == {"request_timeout": 3}
    assert SimpleThriftBackend.connection_class is ThriftNode


def test_a_host_without_a_port_gets_9200_as_over_http() -> None:
    connection = connect("localhost")
    (node,) = connection.client.transport.node_pool.all()
    assert (node.scheme, node.host, node.port) == ("http", "localhost", 9200)


def test_an_unsupported_tls_option_is_refused_not_ignored() -> None:
    with pytest.raises(ImproperlyConfigured, match="does not support ssl_assert_fingerprint"):
        connect("https://127.0.0.1:9500", ssl_assert_fingerprint="00" * 32)
