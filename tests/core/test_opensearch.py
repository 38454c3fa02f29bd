"""``ENGINE: 'opensearch'``: its settings as opensearch-py takes them, checked with the setting
named, and ``manage.py check`` reporting them as it reports elasticsearch-py's ``PARAMS``.

Its requests, errors and tooling are tested with the other backends' (the transport contract,
the commands, the test tooling, the secrets); these are what is its own.
"""

from __future__ import annotations

from typing import Any

import opensearchpy
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from djangoes.backends.loading import load_backend
from djangoes.checks import check_settings
from djangoes_backends_opensearch import OpenSearchBackend
from djangoes_backends_opensearch.backend import opensearch_host
from tests.support import connection, make_handler


def opensearch(server_url: str, **params: Any) -> Any:
    return connection({"ENGINE": "opensearch", "HOSTS": [server_url], "PARAMS": params})


def test_the_short_name_loads_the_backend() -> None:
    assert load_backend("opensearch") is OpenSearchBackend
    handler = make_handler({"default": {"ENGINE": "opensearch"}})
    client = handler["default"].client
    assert isinstance(client, opensearchpy.OpenSearch)
    assert handler["default"].location() == "http://localhost:9200"


def test_it_talks_to_the_engine_as_opensearch(server_url: str) -> None:
    info = opensearch(server_url).info()
    assert info["version"]["distribution"] == "opensearch"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("http://es:9200", {"host": "es", "port": 9200, "use_ssl": False}),
        (
            "https://es:443/prefix",
            {"host": "es", "port": 443, "use_ssl": True, "url_prefix": "/prefix"},
        ),
        (
            {"host": "es", "port": 9201, "scheme": "https", "path_prefix": "/p"},
            {"host": "es", "port": 9201, "use_ssl": True, "url_prefix": "/p"},
        ),
        (
            "http://u%40x:p%3Aw@es:9200",
            {"host": "es", "port": 9200, "use_ssl": False, "http_auth": ("u@x", "p:w")},
        ),
    ],
)
def test_hosts_as_opensearch_py_takes_them(host: Any, expected: dict[str, Any]) -> None:
    assert opensearch_host(host) == expected


def test_timeouts_retries_tls_and_auth_reach_the_client(server_url: str, tmp_path: Any) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("")
    connection = opensearch(
        server_url,
        request_timeout=7,  # elasticsearch-py's name, taken as opensearch-py's timeout
        max_retries=5,
        retry_on_timeout=True,
        retry_on_status=[502, 503],
        basic_auth=("admin", "secret-pass"),
        connections_per_node=4,
    )
    transport = connection.client.transport
    assert (transport.max_retries, transport.retry_on_timeout) == (5, True)
    assert list(transport.retry_on_status) == [502, 503]
    (pooled,) = transport.connection_pool.connections
    assert pooled.timeout == 7
    assert pooled.headers["authorization"].startswith("Basic ")
    assert transport.pool_maxsize == 4
    assert "secret-pass" not in repr(connection.client) + connection.location()


def test_options_are_per_call(server_url: str) -> None:
    connection = opensearch(server_url)
    lenient = connection.options(ignore_status=404)
    assert lenient.client.get(index="nope", id="1")["status"] == 404
    with pytest.raises(opensearchpy.NotFoundError):
        connection.client.get(index="nope", id="1")  # the connection itself is unchanged
    with pytest.raises(TypeError, match="not 'opaque'"):
        connection.client.options(opaque="x")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"timout": 5},
            r"ES_SERVERS\['default'\]\['PARAMS'\] has an unknown key 'timout': not an option of "
            r"opensearchpy.OpenSearch \(with Urllib3HttpConnection\); did you mean 'timeout'\?",
        ),
        ({"timeout": "fast"}, r"\['PARAMS'\]\['timeout'\] must be a number of seconds, not str"),
        ({"request_timeout": 0}, r"\['PARAMS'\]\['request_timeout'\] must be greater than 0"),
        ({"max_retries": -1}, r"\['PARAMS'\]\['max_retries'\] must be at least 0"),
        ({"verify_certs": "yes"}, r"\['PARAMS'\]\['verify_certs'\] must be True or False"),
        ({"hosts": ["x"]}, r"sets 'hosts', which djangoes sets from HOSTS"),
        ({"transport_class": object}, r"sets 'transport_class', which djangoes sets from ENGINE"),
        (
            {"connection_class": dict},
            r"\['connection_class'\] must be a subclass of opensearchpy.Connection",
        ),
        ({"http_auth": 42}, r"\['http_auth'\] must be 'user:password' or a pair of strings"),
        ({"aws": {"region": "eu-west-1", "service": "s3"}}, r"\['aws'\]\['service'\] must be 'es'"),
        ({"aws": {"regoin": "eu-west-1"}}, r"\['aws'\] has an unknown key 'regoin'"),
        (
            {"aws": {"region": "eu-west-1"}, "basic_auth": ("a", "b")},
            r"sets both 'aws' \(SigV4 signing\) and basic_auth: choose one",
        ),
    ],
)
def test_params_are_checked_naming_the_setting(params: dict[str, Any], message: str) -> None:
    servers = {"default": {"ENGINE": "opensearch", "PARAMS": params}}
    with pytest.raises(ImproperlyConfigured, match=message):
        make_handler(servers)["default"]
    with override_settings(ES_SERVERS=servers, ES_INDICES={}):
        (error,) = [m for m in check_settings() if m.id == "djangoes.E011"]
    assert error.msg.startswith("ES_SERVERS['default']['PARAMS']")


def test_valid_params_pass_the_checks() -> None:
    servers = {
        "default": {
            "ENGINE": "opensearch",
            "HOSTS": ["https://search.example.com"],
            "PARAMS": {"timeout": 5, "verify_certs": True, "http_compress": True, "max_retries": 2},
        }
    }
    with override_settings(ES_SERVERS=servers, ES_INDICES={}):
        assert check_settings() == []


def test_aws_sigv4_signs_with_the_chain_credentials(
    server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    connection = opensearch(server_url, aws={"region": "eu-west-1", "service": "aoss"})
    (pooled,) = connection.client.transport.connection_pool.connections
    signer = pooled.http_auth
    assert type(signer).__name__ == "Urllib3AWSV4SignerAuth"
    assert (signer.signer.region, signer.service) == ("eu-west-1", "aoss")
    headers = signer("GET", f"{server_url}/", b"")
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/aoss/aws4_request" in headers["Authorization"]
    assert connection.info()["version"]["distribution"] == "opensearch"  # signed, and sent


def test_aws_without_credentials_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    servers = {"default": {"ENGINE": "opensearch", "PARAMS": {"aws": {"region": "eu-west-1"}}}}
    message = r"\['aws'\]: botocore found no AWS credentials"
    with pytest.raises(ImproperlyConfigured, match=message):
        make_handler(servers)["default"]


def test_a_failure_names_its_connection_in_commands(server_url: str) -> None:
    """A command's last resort turns a server's failure into one line naming the connection:
    an opensearch-py error says which connection it happened on, answered or not."""
    from djangoes import connections
    from djangoes.management.base import failure

    servers = {
        "default": {"ENGINE": "opensearch", "HOSTS": [server_url]},
        "down": {
            "ENGINE": "opensearch",
            "HOSTS": ["http://127.0.0.1:9"],
            "PARAMS": {"max_retries": 0},
        },
    }
    with override_settings(ES_SERVERS=servers, ES_INDICES={}):
        with pytest.raises(opensearchpy.NotFoundError) as missing:
            connections["default"].get(index="no-such-index", id="1")
        assert failure(missing.value) == (
            f"'default' (opensearch: {server_url}): the server answered 404 "
            "(index_not_found_exception: no such index [no-such-index])"
        )
        with pytest.raises(opensearchpy.ConnectionError) as down:
            connections["down"].info()
        assert failure(down.value).startswith(
            "'down' (opensearch: http://127.0.0.1:9): could not connect: "
        )
        connections.close_all()
