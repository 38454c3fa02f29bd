"""Builds every distribution for a release and checks what would be uploaded.

1. ``uv build --all-packages``: a wheel and an sdist of each distribution of the workspace,
   into an empty ``dist/`` (or ``--out DIR``);
2. each file is named for the one version (scripts/version.py), every version and pin agree,
   the ``djangoes`` wheel holds requirements and no code, and ``twine check --strict`` passes on
   all of them (the metadata an index will show);
3. each wheel is installed alone (with what it requires, ours from the output folder, the
   others from the package index) into a fresh virtualenv, where its packages import, its
   distributions are all ours at the version, and a transport's ``ENGINE`` loads by its short
   name (the ``djangoes.backends`` entry points); ``djangoes[all]`` loads every one of them.

Nothing is uploaded: ``twine upload dist/*`` is the release's last step, by hand.

    .venv/bin/python scripts/release.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
version_tool = runpy.run_path(str(ROOT / "scripts" / "version.py"))

#: Each distribution: the packages it must import, and the ENGINE it adds (short names).
DISTRIBUTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "djangoes": (("djangoes", "djangoes_backends_http"), ("http",)),
    "djangoes-core": (("djangoes",), ()),
    "djangoes-gateway": (("djangoes_gateway",), ()),
    "djangoes-engine": (("djangoes_engine",), ()),
    "djangoes-backends-http": (("djangoes_backends_http",), ("http",)),
    "djangoes-backends-requests": (("djangoes_backends_requests",), ("requests",)),
    "djangoes-backends-thrift": (("djangoes_backends_thrift",), ("thrift",)),
    "djangoes-backends-memcached": (("djangoes_backends_memcached",), ("memcached",)),
    "djangoes-backends-embedded": (("djangoes_backends_embedded",), ("embedded",)),
    "djangoes[all]": (
        ("djangoes",),
        ("http", "requests", "thrift", "memcached", "embedded"),
    ),
}

# Run in each fresh virtualenv: imports, our installed versions, the ENGINEs loaded by short name.
PROBE = """
import importlib, json, sys
from importlib.metadata import distributions
packages, engines = json.loads(sys.argv[1])
for package in packages:
    importlib.import_module(package)
loaded = {}
if engines:
    import django
    from django.conf import settings
    servers = {name: {"ENGINE": name} for name in engines}
    settings.configure(ES_SERVERS={"default": servers[engines[0]], **servers})
    django.setup()
    from djangoes import connections
    loaded = {name: type(connections[name]).__name__ for name in engines}
ours = {d.metadata["Name"].lower(): d.version for d in distributions()
        if d.metadata["Name"].lower().startswith("djangoes")}
print(json.dumps({"ours": ours, "loaded": loaded}))
"""


def run(*command: str | Path, cwd: Path = ROOT) -> str:
    """Runs a command; its output, or the command and its output on stderr and exit 1."""
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, command))}\n{result.stdout}{result.stderr}")
    return result.stdout


def build(uv: str, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    run(uv, "build", "--all-packages", "--quiet", "--out-dir", out)


def artifacts(out: Path) -> list[Path]:
    """The wheels and sdists in ``out`` (uv also writes a .gitignore there)."""
    return sorted([*out.glob("*.whl"), *out.glob("*.tar.gz")])


def check_files(out: Path, version: str) -> None:
    """One wheel and one sdist of each distribution, at the version; twine accepts them all."""
    wrong = version_tool["check"](ROOT)
    if wrong:
        sys.exit("versions differ (scripts/version.py check):\n" + "\n".join(wrong))
    names = sorted(version_tool["ours"](ROOT))
    expected = {f"{name.replace('-', '_')}-{version}-py3-none-any.whl" for name in names}
    expected |= {f"{name.replace('-', '_')}-{version}.tar.gz" for name in names}
    found = {path.name for path in artifacts(out)}
    if found != expected:
        sys.exit(f"{out} holds {sorted(found)}, not {sorted(expected)}")
    with zipfile.ZipFile(out / f"djangoes-{version}-py3-none-any.whl") as wheel:
        shipped = [name for name in wheel.namelist() if ".dist-info/" not in name]
    if shipped:
        sys.exit(f"the djangoes wheel, of requirements only, ships {shipped}")
    twine = Path(sys.executable).parent / "twine"
    run(twine if twine.exists() else "twine", "check", "--strict", *artifacts(out))


def check_installs(uv: str, out: Path, version: str) -> None:
    """Each distribution, alone, in a fresh virtualenv: it imports and loads its ENGINEs."""
    with tempfile.TemporaryDirectory(prefix="djangoes-release-") as scratch:
        for requirement, (packages, engines) in DISTRIBUTIONS.items():
            venv = Path(scratch) / requirement.replace("[", "-").rstrip("]")
            run(uv, "venv", "--quiet", venv)
            python = venv / "bin" / "python"
            name, _, extras = requirement.partition("[")
            pinned = f"{name}{'[' + extras if extras else ''}=={version}"
            run(uv, "pip", "install", "--quiet", "--python", python, "--find-links", out, pinned)
            found = json.loads(run(python, "-c", PROBE, json.dumps([packages, engines])))
            others = {dist: v for dist, v in found["ours"].items() if v != version}
            if others:
                sys.exit(f"{requirement}: installed {others}, not {version}")
            missing = [engine for engine in engines if engine not in found["loaded"]]
            if missing:
                sys.exit(f"{requirement}: ENGINE {missing} did not load")
            print(f"{requirement}: {len(found['ours'])} of ours at {version}, {found['loaded']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="default: dist/")
    options = parser.parse_args(argv)
    uv = os.environ.get("UV") or shutil.which("uv") or str(ROOT / ".uv" / "bin" / "uv")
    version = version_tool["version"](ROOT)
    out = options.out.resolve()
    build(uv, out)
    check_files(out, version)
    print(f"{len(artifacts(out))} files built in {out}, twine check passed")
    check_installs(uv, out, version)
    print(f"djangoes {version}: ready; upload with `twine upload {out}/*.whl {out}/*.tar.gz`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
