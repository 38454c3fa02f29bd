"""Installing from this repository as docs/install.md says, before a release is published.

The wheels of every distribution are built (``uv build --all-packages``) into a temporary
``dist/``; then the docs' own pip command, as written there, installs ``djangoes[embedded]`` in a
fresh virtualenv whose index still offers the old djangoes 0.3: every distribution of ours must
be the version of this repository, and the installed djangoes must load ``ENGINE: "embedded"``
by its short name and answer a search.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
version_tool = runpy.run_path(str(ROOT / "scripts" / "version.py"))

pytestmark = pytest.mark.slow

# Run by the fresh virtualenv's python: our distributions and a search on the embedded engine.
PROBE = """
import json
from importlib.metadata import distributions
import django
from django.conf import settings
settings.configure(ES_SERVERS={"default": {"ENGINE": "embedded"}})
django.setup()
from djangoes import connections
es = connections["default"]
es.index(index="posts", id="1", document={"title": "a lantern by the river"}, refresh=True)
found = es.search(index="posts", query={"match": {"title": "lantern"}})
print(json.dumps({
    "backend": type(es).__name__,
    "hits": [hit["_id"] for hit in found["hits"]["hits"]],
    "ours": {d.metadata["Name"].lower(): d.version for d in distributions()
             if d.metadata["Name"].lower().startswith("djangoes")},
}))
"""


def uv() -> str:
    """uv itself: the one running this suite (``uv run`` sets ``UV``), .uv's, or PATH's."""
    for found in (os.environ.get("UV"), ROOT / ".uv" / "bin" / "uv", shutil.which("uv")):
        if found and Path(found).is_file():
            return str(found)
    pytest.skip("uv is not available to build the distributions")


def documented_commands() -> tuple[str, str]:
    """docs/install.md's two commands: the build, and pip's install from its output."""
    text = (ROOT / "docs" / "install.md").read_text()
    block = re.search(r"## From this repository\n.*?```sh\n(.*?)```", text, re.DOTALL)
    assert block, "no command block under '## From this repository' in docs/install.md"
    build, install = (line.split("  #")[0].strip() for line in block[1].strip().splitlines())
    return build, install


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    """A folder with the wheels in ``dist/``, as docs/install.md's build leaves them; removed
    after the module's tests."""
    with tempfile.TemporaryDirectory(prefix="djangoes-install-") as scratch:
        build, _ = documented_commands()
        assert build == "uv build --all-packages"
        dist = Path(scratch) / "dist"
        command = [uv(), *build.split()[1:], "--quiet", "--out-dir", str(dist)]
        subprocess.run(command, cwd=ROOT, check=True, timeout=600)
        yield Path(scratch)


def test_the_readme_gives_the_docs_install_command() -> None:
    build, install = documented_commands()
    assert install == 'pip install --find-links dist "djangoes[embedded]"'
    readme = (ROOT / "README.md").read_text()
    assert install in readme
    assert f"\n.uv/bin/{build} " in readme  # the same build, by the README's uv


def test_the_documented_install_gives_ours_and_a_working_embedded_engine(workdir: Path) -> None:
    venv = workdir / "venv"
    subprocess.run([uv(), "venv", "--quiet", "--seed", str(venv)], check=True, timeout=120)
    _, install = documented_commands()
    environment = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    environment.pop("PYTHONPATH", None)
    result = subprocess.run(
        f"{install} --quiet",
        shell=True,
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    probe = subprocess.run(
        [str(venv / "bin" / "python"), "-c", PROBE],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    version = version_tool["version"](ROOT)
    assert found["ours"] == {
        name: version
        for name in (
            "djangoes",
            "djangoes-core",
            "djangoes-backends-http",
            "djangoes-backends-embedded",
            "djangoes-engine",
            "djangoes-gateway",
        )
    }
    assert found["backend"] == "SimpleEmbeddedBackend"
    assert found["hits"] == ["1"]


def test_a_wheel_requires_the_others_at_exactly_its_version(workdir: Path) -> None:
    """What keeps pip from taking the index's djangoes beside ours: exact pins in METADATA."""
    version = version_tool["version"](ROOT)
    wheel = workdir / "dist" / f"djangoes_backends_embedded-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(f"djangoes_backends_embedded-{version}.dist-info/METADATA")
    requires = re.findall(r"^Requires-Dist: (djangoes.*)$", metadata.decode(), re.MULTILINE)
    assert requires == [f"djangoes-core=={version}", f"djangoes-engine=={version}"]


def test_the_release_checks_pass_on_the_built_files(workdir: Path) -> None:
    """scripts/release.py's checks of the files: names, versions and pins, the requirements-only
    djangoes wheel, ``twine check --strict`` (its installs are the release's own business)."""
    release = runpy.run_path(str(ROOT / "scripts" / "release.py"))
    release["check_files"](workdir / "dist", version_tool["version"](ROOT))
    assert len(release["artifacts"](workdir / "dist")) == 2 * len(version_tool["ours"](ROOT))
