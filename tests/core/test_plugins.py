"""Plugin loading: short names from entry points (ours and a third party's), dotted paths."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from stevedore.extension import ExtensionManager

from djangoes.backends.loading import installed, load_backend
from djangoes_backends_embedded import SimpleEmbeddedBackend
from djangoes_backends_http import SimpleHttpBackend
from djangoes_backends_opensearch import OpenSearchBackend
from djangoes_backends_requests import SimpleRequestsHttpBackend
from tests.support import make_handler

FIXTURE = Path(__file__).parent.parent / "fixtures" / "thirdparty_backend"


@pytest.fixture
def third_party(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture distribution made importable and registered, as pip would install it."""
    shutil.copytree(
        FIXTURE / "djangoes_thirdparty_example", tmp_path / "djangoes_thirdparty_example"
    )
    info = tmp_path / "djangoes_thirdparty_example-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: djangoes-thirdparty-example\nVersion: 0.1.0\n"
    )
    (info / "entry_points.txt").write_text(
        "[djangoes.backends]\nexample = djangoes_thirdparty_example:ExampleBackend\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    # stevedore remembers a group's entry points for the life of the process (a distribution is
    # normally installed before the process starts): let it see this one.
    monkeypatch.setattr(ExtensionManager, "ENTRY_POINT_CACHE", {})
    yield
    sys.modules.pop("djangoes_thirdparty_example", None)


@pytest.mark.parametrize(
    ("engine", "backend"),
    [
        ("http", SimpleHttpBackend),
        ("requests", SimpleRequestsHttpBackend),
        ("embedded", SimpleEmbeddedBackend),
        ("opensearch", OpenSearchBackend),
        ("djangoes_backends_opensearch.OpenSearchBackend", OpenSearchBackend),
        ("djangoes.backends.elasticsearch.SimpleHttpBackend", SimpleHttpBackend),
        ("djangoes.backends.elasticsearch.SimpleRequestsHttpBackend", SimpleRequestsHttpBackend),
        ("djangoes_backends_requests.SimpleRequestsHttpBackend", SimpleRequestsHttpBackend),
    ],
)
def test_engines_by_short_name_and_dotted_path(engine: str, backend: type) -> None:
    assert load_backend(engine) is backend


def test_a_third_party_backend_loads_by_its_entry_point(third_party: None, server_url: str) -> None:
    assert "example" in installed()
    connection = make_handler({"default": {"ENGINE": "example", "HOSTS": [server_url]}})["default"]
    assert type(connection).__name__ == "ExampleBackend"
    assert connection.third_party
    assert connection.info()["tagline"] == "You Know, for Search"


def test_and_by_its_dotted_path(third_party: None) -> None:
    backend = load_backend("djangoes_thirdparty_example.ExampleBackend")
    assert backend.third_party


def test_an_unknown_short_name_lists_the_installed_ones() -> None:
    with pytest.raises(
        ImproperlyConfigured,
        match=r"ES_SERVERS\['default'\]\['ENGINE'\] "
        r"'nosuch' is not an installed djangoes backend \(installed: embedded, "
        r"http, memcached, opensearch, requests, thrift",
    ):
        make_handler({"default": {"ENGINE": "nosuch"}})["default"]


@pytest.mark.parametrize(
    ("name", "backend"),
    [("SimpleThriftBackend", "thrift"), ("SimpleMemcachedBackend", "memcached")],
)
def test_the_0_3_names_of_the_gateway_transports_resolve(name: str, backend: str) -> None:
    from djangoes.backends import elasticsearch

    loaded = getattr(elasticsearch, name)
    assert loaded is load_backend(backend)
    assert loaded.__name__ == name


def test_a_bad_dotted_path_names_the_setting() -> None:
    with pytest.raises(
        ImproperlyConfigured,
        match=r"ES_SERVERS\['default'\]\['ENGINE'\] "
        r"'myproject.NoBackend' could not be imported",
    ):
        make_handler({"default": {"ENGINE": "myproject.NoBackend"}})["default"]
