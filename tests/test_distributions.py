"""The distributions as a user meets them: built wheels, installed by pip into fresh venvs.

Every distribution of the workspace (and a third party's backend, from a fixture) is built
once; then each install a user would type, ``pip install --find-links dist "djangoes[...]"``,
goes into a new virtual environment, which must hold exactly the distributions that extra needs
and load its ``ENGINE`` by short name.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "thirdparty_backend"
OURS = {
    "djangoes",
    "djangoes-core",
    "djangoes-gateway",
    "djangoes-backends-http",
    "djangoes-backends-requests",
    "djangoes-backends-embedded",
    "djangoes-engine",
    "djangoes-backends-thrift",
    "djangoes-backends-memcached",
    "djangoes-thirdparty-example",
}

pytestmark = pytest.mark.slow

# What an engine needs to load, printed as JSON: run inside the fresh environment.
PROBE = """
import json, sys
from importlib.metadata import distributions
import django
from django.conf import settings
settings.configure(ES_SERVERS={"default": {"ENGINE": sys.argv[1]}})
django.setup()
from djangoes import connections
backend = type(connections["default"])
names = sorted({d.metadata["Name"].lower() for d in distributions()})
print(json.dumps({"backend": backend.__name__, "distributions": names}))
"""


def uv() -> str:
    """uv itself: the one running this suite (``uv run`` sets ``UV``), or the one on PATH."""
    found = os.environ.get("UV") or shutil.which("uv")
    if found is None:
        pytest.skip(
            "needs uv to build the distributions: pip install uv (to put it on PATH), "
            "or run the suite under uv run"
        )
    return found


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [uv(), "build", "--all-packages", "--quiet", "--out-dir", str(out)],
        cwd=ROOT,
        check=True,
        timeout=600,
    )
    subprocess.run(
        [uv(), "build", "--quiet", "--wheel", "--out-dir", str(out), str(FIXTURE)],
        cwd=ROOT,
        check=True,
        timeout=600,
    )
    return out


def install(dist: Path, target: Path, requirement: str) -> Path:
    """A fresh venv with ``pip install --find-links dist <requirement>``; returns its python."""
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--find-links",
            str(dist),
            requirement,
        ],
        check=True,
        timeout=900,
    )
    return python


def output(python: Path, code: str, *args: str) -> str:
    """What ``code`` prints, run by ``python`` (a fresh environment's); it must succeed."""
    result = subprocess.run(
        [str(python), "-c", code, *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def probe(python: Path, engine: str) -> dict:
    return json.loads(output(python, PROBE, engine))


def test_every_distribution_builds(dist: Path) -> None:
    wheels = {path.name.split("-")[0] for path in dist.glob("*.whl")}
    assert wheels == {
        "djangoes",
        "djangoes_core",
        "djangoes_gateway",
        "djangoes_backends_http",
        "djangoes_backends_requests",
        "djangoes_backends_embedded",
        "djangoes_engine",
        "djangoes_backends_thrift",
        "djangoes_backends_memcached",
        "djangoes_thirdparty_example",
    }
    assert len(list(dist.glob("*.tar.gz"))) == 9


@pytest.mark.parametrize(
    ("requirement", "engine", "backend", "expected"),
    [
        (
            "djangoes",
            "http",
            "SimpleHttpBackend",
            {"djangoes", "djangoes-core", "djangoes-backends-http"},
        ),
        (
            "djangoes[requests]",
            "requests",
            "SimpleRequestsHttpBackend",
            {"djangoes", "djangoes-core", "djangoes-backends-http", "djangoes-backends-requests"},
        ),
        (
            "djangoes[embedded]",
            "embedded",
            "SimpleEmbeddedBackend",
            {
                "djangoes",
                "djangoes-core",
                "djangoes-backends-http",
                "djangoes-backends-embedded",
                "djangoes-engine",
                "djangoes-gateway",
            },
        ),
        (
            "djangoes[thrift]",
            "thrift",
            "SimpleThriftBackend",
            {
                "djangoes",
                "djangoes-core",
                "djangoes-backends-http",
                "djangoes-backends-thrift",
                "djangoes-gateway",
            },
        ),
        (
            "djangoes[memcached]",
            "memcached",
            "SimpleMemcachedBackend",
            {
                "djangoes",
                "djangoes-core",
                "djangoes-backends-http",
                "djangoes-backends-memcached",
                "djangoes-gateway",
            },
        ),
        (
            "djangoes-thirdparty-example",
            "example",
            "ExampleBackend",
            {"djangoes-core", "djangoes-thirdparty-example"},
        ),
    ],
)
def test_an_extra_installs_exactly_what_it_needs(
    dist: Path, tmp_path: Path, requirement: str, engine: str, backend: str, expected: set[str]
) -> None:
    python = install(dist, tmp_path / "venv", requirement)
    found = probe(python, engine)
    assert found["backend"] == backend
    assert set(found["distributions"]) & OURS == expected


@pytest.fixture(scope="module")
def plain(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip install djangoes``: the core and the HTTP transport, nothing else."""
    return install(dist, tmp_path_factory.mktemp("plain") / "venv", "djangoes")


@pytest.mark.parametrize("engine", ["embedded", "thrift", "memcached"])
def test_a_missing_transport_names_its_extra(plain: Path, engine: str) -> None:
    result = subprocess.run(
        [str(plain), "-c", PROBE, engine], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode != 0
    assert f'pip install "djangoes[{engine}]"' in result.stderr


def test_a_0_3_name_whose_transport_is_missing_names_its_extra(plain: Path) -> None:
    code = "from djangoes.backends import elasticsearch; elasticsearch.SimpleThriftBackend"
    result = subprocess.run(
        [str(plain), "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode != 0
    assert 'pip install "djangoes[thrift]"' in result.stderr


def test_the_gateway_toolkit_alone_needs_nothing_of_djangoes(dist: Path, tmp_path: Path) -> None:
    """``pip install djangoes-gateway``: no other distribution of ours, no Django, and no
    upstream but HTTP until one is installed (the engine registers ``embedded``)."""
    python = install(dist, tmp_path / "venv", "djangoes-gateway")
    code = (
        "import json, importlib.util\n"
        "from importlib.metadata import distributions\n"
        "from djangoes_gateway.upstreams import upstream\n"
        "try:\n"
        "    upstream('embedded')\n"
        "except ValueError as error:\n"
        "    refused = str(error)\n"
        "names = sorted({d.metadata['Name'].lower() for d in distributions()})\n"
        "print(json.dumps([names, refused, importlib.util.find_spec('django') is None]))"
    )
    names, refused, no_django = json.loads(output(python, code))
    assert set(names) & OURS == {"djangoes-gateway"}
    assert "unknown upstream 'embedded'" in refused and "none is installed" in refused
    assert no_django


def test_the_engine_alone_needs_neither_django_nor_the_core(dist: Path, tmp_path: Path) -> None:
    """``pip install djangoes-engine``: the engine and its server, without Django."""
    python = install(dist, tmp_path / "venv", "djangoes-engine")
    code = (
        "import importlib.util, djangoes_engine; "
        "engine = djangoes_engine.Engine(); "
        "print(engine.handle(djangoes_engine.Request.from_target('GET', '/', b'', {})).status, "
        "importlib.util.find_spec('django'), importlib.util.find_spec('djangoes'))"
    )
    assert output(python, code).split() == ["200", "None", "None"]
    server = subprocess.Popen(
        [str(python.parent / "djangoes-embedded"), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline()
        assert "djangoes-embedded listening on http://127.0.0.1:" in line, server.stderr.read()
        url = line.split()[-1]
        with urllib.request.urlopen(url, timeout=30) as response:
            assert json.load(response)["version"]["number"].startswith("9.")
    finally:
        server.terminate()
        server.wait(60)
