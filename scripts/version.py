"""The one version of every djangoes distribution: show it, check it, set it.

The distributions are released together: each has the same version, and each depends on the
others it needs at exactly that version (``djangoes-core==1.0.0``), so that pip never mixes
ours with an older djangoes from a package index. The root ``pyproject.toml``'s
``project.version`` is the source; every other place (the members' ``version``, every pin on one
of ours) is written from it by ``set`` and compared with it by ``check``, which the test suite
runs (tests/test_version.py).

Why not one file read at build time: hatchling can take a dynamic version from a file outside a
member's folder (a wheel built from the sdist reads the sdist's PKG-INFO), but the pins between
distributions would then need a metadata hook, a file that must sit in every member's folder to
be found in its sdist, and dependencies that uv and the other tools no longer read as written.
Static metadata, written by this script, keeps every ``pyproject.toml`` as it reads.

    python scripts/version.py              # prints the version
    python scripts/version.py check        # exit 1, naming each place that differs
    python scripts/version.py set 1.1.0    # writes every place, then `uv lock`
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
# A version line of a [project] table, and a pin on one of ours in a quoted requirement.
VERSION_LINE = re.compile(r'^version = "[^"]*"$', re.MULTILINE)
PIN = re.compile(r'"(djangoes(?:-[a-z]+)*)((?:\[[^\]]*\])?)==[^";]*(;[^"]*)?"')


def pyprojects(root: Path = ROOT) -> list[Path]:
    """The root's and every workspace member's ``pyproject.toml``, root first."""
    config = tomllib.loads((root / "pyproject.toml").read_text())
    members = config["tool"]["uv"]["workspace"]["members"]
    return [root / "pyproject.toml", *(root / member / "pyproject.toml" for member in members)]


def version(root: Path = ROOT) -> str:
    """The version of the root distribution ``djangoes``: the one every place follows."""
    return tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"]


def ours(root: Path = ROOT) -> set[str]:
    """The names of the workspace's distributions."""
    return {tomllib.loads(path.read_text())["project"]["name"] for path in pyprojects(root)}


def requirements(project: dict) -> list[str]:
    """Every requirement a ``[project]`` table lists, extras included."""
    found = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        found.extend(extra)
    return found


def check(root: Path = ROOT) -> list[str]:
    """Each place that does not follow the version, in words; empty when all agree."""
    expected = version(root)
    names = ours(root)
    wrong = []
    for path in pyprojects(root):
        project = tomllib.loads(path.read_text())["project"]
        where = path.relative_to(root)
        if project.get("version") != expected:
            wrong.append(f"{where}: version {project.get('version')!r}, not {expected!r}")
        for text in requirements(project):
            try:
                requirement = Requirement(text)
            except InvalidRequirement as error:
                wrong.append(f"{where}: {text!r} is no requirement ({error})")
                continue
            if requirement.name not in names or requirement.name == project["name"]:
                continue
            if str(requirement.specifier) != f"=={expected}":
                wrong.append(f"{where}: {text!r} does not pin {requirement.name}=={expected}")
    return wrong


def write(new: str, root: Path = ROOT) -> list[Path]:
    """Writes ``new`` into every place; returns the files changed."""
    Version(new)  # refuses what is not a version (InvalidVersion)
    names = ours(root)
    changed = []
    for path in pyprojects(root):
        text = path.read_text()

        def pinned(match: re.Match[str]) -> str:
            name, extras, marker = match.group(1), match.group(2), match.group(3) or ""
            if name not in names:
                return match.group(0)
            return f'"{name}{extras}=={new}{marker}"'

        updated = PIN.sub(pinned, VERSION_LINE.sub(f'version = "{new}"', text, count=1))
        if updated != text:
            path.write_text(updated)
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("check", help="exit 1 if a version or a pin differs from the version")
    setter = commands.add_parser("set", help="write a new version everywhere, then uv lock")
    setter.add_argument("version")
    options = parser.parse_args(argv)
    if options.command is None:
        print(version())
        return 0
    if options.command == "check":
        wrong = check()
        for line in wrong:
            print(line, file=sys.stderr)
        return 1 if wrong else 0
    try:
        changed = write(options.version)
    except InvalidVersion:
        parser.error(f"{options.version!r} is not a version (PEP 440)")
    for path in changed:
        print(f"wrote {path.relative_to(ROOT)}")
    readme_uv = ROOT / ".uv" / "bin" / "uv"  # where the README's commands put it
    uv = shutil.which("uv") or (str(readme_uv) if readme_uv.is_file() else None)
    if uv is None:
        print(
            "uv is not on PATH nor in .uv/bin: run `uv lock` to record the new version",
            file=sys.stderr,
        )
        return 1
    return subprocess.run([uv, "lock", "--quiet"], cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
