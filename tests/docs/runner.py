"""Run the blocks of one page in order, as a reader would: ``python -m tests.docs.runner PAGE DIR``.

It prints one JSON list: for each block, its line, ``ok``/``failed``/``marked`` and what
failed. One process per page (``test_snippets`` starts it), so that a page's settings, signal
receivers and servers never reach another page or the test process.

The page's project, in ``DIR/project``: a ``settings.py`` of base settings (``ES_SERVERS``'s
``default`` on the engine served over HTTP at the page's port 9200) followed by the page's own
settings blocks (python blocks of ``UPPER = ...`` assignments, and ``# settings.py`` sections),
a ``manage.py`` on ``PATH``, the files of ``# path.py`` sections, and the files of the
``setup=`` fixtures the page names (``tests/docs/setups.py``). What the runner changes in a
block's text, and only that:

* ports 9200, 9500 (9501: a second gateway's) and 11311, replaced by free ones where
  something else listens on them
  (and ``--port`` given to a ``djangoes-embedded serve`` that leaves it out, for 9200);
* ``/srv/search``, a fresh directory of ``DIR`` for each block that names it;
* ``...`` (``{...}``, ``[...]``) in settings: placeholders, left out (``placeholders.py``);
* the README's set-up before a command, ``.uv/bin/uv run --locked --all-packages
  --all-extras``: left out, as its ``.venv`` is the one the runner runs with (sh, below).

Blocks of each language:

* python: run in one namespace per page (module ``snippets``), Django set up with the page's
  settings; a settings block is checked instead (``django.core.checks``, every connection
  built); ``>>>`` blocks run as doctests (numbers compared as numbers of any value);
* sh: each command in a shell with the repository's ``.venv/bin`` first on ``PATH``, in the
  page's project, where ``.venv`` is the repository's (``.venv/bin/X`` is the clone's tool;
  ``uv run --locked --all-packages --all-extras X`` syncs it from ``uv.lock`` and runs ``X``
  in it: the runner runs ``X``); a server (``djangoes-embedded serve``, a gateway) in the
  background until the page ends, once it says it listens; an install command is not run:
  what it installs must be installed (the install test runs them);
* toml: parsed, each entry point loaded; ``{literalinclude}``: the included file imported
  (with its ``pyobject``) or parsed; ``{toctree}``: each page exists;
* text and json: only with a ``check=`` directive, a check of ``tests/docs/setups.py``.
"""

from __future__ import annotations

import ast
import contextlib
import doctest
import importlib
import importlib.metadata
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import tomllib
import traceback
import types
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement

from tests.docs import setups
from tests.docs.blocks import Block, code_blocks
from tests.docs.plans import INSTALLER, ROOT, Plan, commands, plan
from tests.docs.setups import BlockFailed

VENV_BIN = Path(sys.executable).parent
PORTS = (9200, 9500, 9501, 11311)
SERVERS = re.compile(r"djangoes-embedded serve|djangoes-\w+-gateway|manage\.py runserver")
#: pip options followed by a value.
VALUED = {"-f", "--find-links", "-i", "--index-url", "--extra-index-url", "-r", "-c", "-e"}
VALUED |= {"--requirement", "--constraint", "--editable", "--target", "--python"}
#: The README's set-up before a command: uv syncs the workspace's .venv from uv.lock, with
#: every distribution and extra, and runs the command in it.
UV_RUN = re.compile(r"^(\S*/)?uv run --locked --all-packages --all-extras ")
FILE_SECTION = re.compile(r"^# (?P<path>[\w./-]+\.(py|toml))$", re.MULTILINE)


def requirements(command: str) -> list[Requirement]:
    """What a pip install command names from the package index (none for another command)."""
    words = shlex.split(command)
    if not INSTALLER.match(command) or "install" not in words or "apt" in command:
        return []
    found: list[Requirement] = []
    skip = False
    for word in words[words.index("install") + 1 :]:
        if skip or word.startswith("-") or "/" in word or word.endswith(".whl"):
            skip = word in VALUED  # an option and its value (--find-links DIR), a path, a wheel
            continue
        found.append(Requirement(word))
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_lock(port: int) -> socket.socket | None:
    """Held while a page uses ``port``, so that two pages run at once never both take it: a
    Unix socket of Linux's abstract namespace (no file; the system frees it with the process),
    taken only if nothing listens on the port."""
    lock = socket.socket(socket.AF_UNIX)
    try:
        lock.bind(f"\0djangoes-docs-port-{port}")
    except OSError:
        lock.close()
        return None
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            lock.close()
            return None
    return lock


def sections(text: str) -> list[tuple[str | None, str]]:
    """A block's files, by their ``# path.py`` first lines: [(path or None, code)]."""
    found = list(FILE_SECTION.finditer(text))
    if not found or found[0].start() != 0:
        return [(None, text)]
    return [
        (match["path"], text[match.end() : found[i + 1].start() if i + 1 < len(found) else None])
        for i, match in enumerate(found)
    ]


def write_file(project: Path, path: str, code: str) -> None:
    """A file of the page's project; its folders are packages."""
    target = project / path
    target.parent.mkdir(parents=True, exist_ok=True)
    for package in target.relative_to(project).parents:
        if str(package) != "." and not (init := project / package / "__init__.py").exists():
            init.touch()
    target.write_text(code)


def is_settings(code: str) -> bool:
    """Only ``UPPER = ...`` assignments (and comments)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    return bool(tree.body) and all(
        isinstance(node, ast.Assign)
        and all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets)
        for node in tree.body
    )


class NumbersChecker(doctest.OutputChecker):
    """Output compared with every number standing for any number (durations, sizes)."""

    NUMBER = re.compile(r"\d+(\.\d+)?")

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        return super().check_output(
            self.NUMBER.sub("0", want), self.NUMBER.sub("0", got), optionflags
        )


class PageRunner:
    def __init__(self, page: Path, work: Path) -> None:
        self.page = page
        self.work = work
        self.project = work / "project"
        self.project.mkdir(parents=True, exist_ok=True)
        self.plans = [plan(block) for block in code_blocks(page)]
        self.locks: list[socket.socket] = []
        self.ports = {port: self.reserve(port) for port in PORTS}
        self.servers: list[subprocess.Popen[str]] = []
        self.paths = 0
        named = [name for p in self.plans if p.run for name in self.setup_names(p.block)]
        self.setups = [setups.SETUPS[name] for name in dict.fromkeys(named)]
        self.prepared: set[str] = set()
        self.namespace: dict[str, Any] = {}
        self.input = ""

    @staticmethod
    def setup_names(block: Block) -> list[str]:
        """The fixtures of ``setup=NAME[,NAME...]``, prepared before the first block naming
        each, in that order."""
        return [name for name in block.options.get("setup", "").split(",") if name]

    def reserve(self, port: int) -> int:
        while (lock := port_lock(port)) is None:
            port = free_port()
        self.locks.append(lock)
        return port

    # What the runner changes in a block

    def substitute(self, text: str) -> str:
        for port, free in self.ports.items():
            text = re.sub(rf"(?<=[: ]){port}\b", str(free), text)
        if "/srv/search" in text:
            self.paths += 1
            text = text.replace("/srv/search", str(self.work / f"srv-search-{self.paths}"))
        return text

    # The page's project

    def environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_SETTINGS", "PYTEST_", "VIRTUAL_ENV", "UV_"))
        }
        env["PATH"] = os.pathsep.join([str(VENV_BIN), str(self.project), env.get("PATH", "")])
        env["VIRTUAL_ENV"] = str(VENV_BIN.parent)
        env["PYTHONPATH"] = os.pathsep.join([str(self.project), str(ROOT)])
        env["DJANGO_SETTINGS_MODULE"] = "settings"
        env["UV_PYTHON_DOWNLOADS"] = "never"
        if all(setup.offline for setup in self.setups):
            env["UV_OFFLINE"] = "1"
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def write_project(self) -> None:
        page_settings: list[str] = []
        for p in self.plans:
            if p.run and p.block.language == "python":
                for path, code in sections(p.block.text):
                    if path == "settings.py" or (path is None and is_settings(code)):
                        page_settings.append(self.substitute(code))
                    elif path is not None:  # the page's files are there from the start
                        write_file(self.project, path, self.substitute(code))
        extra_apps: list[str] = []
        setup_settings: list[str] = []
        extensions: list[str] = []
        for setup in self.setups:
            setup.write(self)
            extra_apps += setup.apps
            setup_settings.append(setup.settings(self))
            extensions.append(setup.extend(self))
        database = str(self.project / "db.sqlite3")
        base = f"""\
# The docs' runner: base settings, then the page's own (tests/docs/runner.py).
SECRET_KEY = "djangoes-docs"
DEBUG = True
USE_TZ = True
INSTALLED_APPS = ["djangoes"]
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {database!r}}}}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
ES_SERVERS = {{"default": {{"HOSTS": ["http://127.0.0.1:{self.ports[9200]}"]}}}}
ES_INDICES = {{}}
"""
        tail = f"""
# The fixtures' apps, and the page's placeholders left out.
INSTALLED_APPS = [*INSTALLED_APPS, *{extra_apps!r}]
from tests.docs.placeholders import drop_placeholders

drop_placeholders(globals())
"""
        text = "\n".join(
            [base, *setup_settings, "# The page's settings", *page_settings, *extensions, tail]
        )
        (self.project / "settings.py").write_text(text)
        manage = self.project / "manage.py"
        manage.write_text(
            f"#!{sys.executable}\n"
            "import sys\n\nfrom django.core.management import execute_from_command_line\n\n"
            "execute_from_command_line(sys.argv)\n"
        )
        manage.chmod(0o755)
        (self.project / ".venv").symlink_to(VENV_BIN.parent)  # the clone's, for .venv/bin/X

    def setup_django(self) -> None:
        os.environ.update(
            {k: v for k, v in self.environment().items() if k not in ("PATH", "PYTHONPATH")}
        )
        os.environ.pop("VIRTUAL_ENV", None)
        sys.path[:0] = [str(self.project)]
        os.chdir(self.project)
        import django

        django.setup()
        module = types.ModuleType("snippets")
        sys.modules["snippets"] = module
        self.namespace = module.__dict__

    def needs_engine(self) -> bool:
        """The page's engine is served unless the page serves one itself or runs no code."""
        run = [p.block for p in self.plans if p.run and p.block.language in ("python", "sh")]
        return bool(run) and not any(
            b.language == "sh" and "djangoes-embedded serve" in b.text for b in run
        )

    # Running

    def run(self) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        try:
            self.write_project()
            self.setup_django()
            if self.needs_engine():
                engine = [sys.executable, "-m", "djangoes_engine.cli", "serve"]
                self.start([*engine, "--port", str(self.ports[9200])], "the page's engine")
            for p in self.plans:
                started = time.monotonic()
                results.append(self.run_plan(p))
                results[-1]["seconds"] = round(time.monotonic() - started, 2)
        finally:
            self.stop()
        return results

    def run_plan(self, p: Plan) -> dict[str, Any]:
        result: dict[str, Any] = {"line": p.block.line, "status": "ok", "detail": ""}
        if not p.run:
            result.update(status="marked", detail=p.reason)
            if p.block.language == "sh":  # an install block: what it installs is installed
                try:
                    self.check_installs(p.block)
                except BlockFailed as error:
                    result.update(status="failed", detail=str(error))
            return result
        self.input = p.block.options.get("input", "")
        self.input = self.input and self.input + "\n"
        try:
            for name in self.setup_names(p.block):
                if name not in self.prepared:
                    self.prepared.add(name)
                    setups.SETUPS[name].prepare(self)
                setups.SETUPS[name].before(self)
            self.run_block(p.block)
            if check := p.block.options.get("check"):
                setups.CHECKS[check](self, p.block)
        except Exception as error:  # a failing block is reported, and the page goes on
            detail = "".join(traceback.format_exception(error, limit=-8))
            result.update(status="failed", detail=detail)
        return result

    def run_block(self, block: Block) -> None:
        text = self.substitute(block.text)
        language = block.language
        if language == "python":
            self.run_python(block, text)
        elif language == "sh":
            self.run_sh(block, text)
        elif language == "toml":
            self.check_toml(text, self.project)
        elif language == "{literalinclude}":
            self.check_literalinclude(block)
        elif language == "{toctree}":
            for entry in [line.strip() for line in block.text.splitlines()]:
                if entry[:1] not in ("", ":") and not (block.path.parent / f"{entry}.md").exists():
                    raise BlockFailed(f"no page {entry}.md")

    # python

    def run_python(self, block: Block, text: str) -> None:
        if text.lstrip().startswith(">>>"):
            return self.run_doctest(block, text)
        for path, code in sections(text):
            if (path is None and is_settings(code)) or path == "settings.py":
                self.check_settings()
            elif path is None:
                exec(compile(code, block.where, "exec"), self.namespace)
            elif path.endswith(".toml"):
                self.check_toml(code, self.project)
            else:
                self.write_module(path, code)

    def write_module(self, path: str, code: str) -> None:
        write_file(self.project, path, code)
        importlib.invalidate_caches()
        module = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        sys.modules.pop(module, None)
        importlib.import_module(module)

    def run_doctest(self, block: Block, text: str) -> None:
        test = doctest.DocTestParser().get_doctest(text, self.namespace, block.where, None, 0)
        runner = doctest.DocTestRunner(checker=NumbersChecker(), optionflags=doctest.ELLIPSIS)
        output: list[str] = []
        runner.run(test, out=output.append, clear_globs=False)
        if runner.failures:
            raise BlockFailed("".join(output))

    def check_settings(self) -> None:
        """The page's settings pass Django's checks, and every connection of them is built."""
        from django.conf import settings
        from django.core import checks

        from djangoes import connections

        problems = [m for m in checks.run_checks() if m.level >= checks.ERROR]
        if problems:
            raise BlockFailed("\n".join(map(str, problems)))
        for alias in settings.ES_SERVERS:
            connections[alias].client  # noqa: B018 (built: the backend, its client, PARAMS)

    # sh

    def run_sh(self, block: Block, text: str) -> None:
        self.check_installs(block)
        for command in commands(text):
            if INSTALLER.match(command):
                continue
            command = UV_RUN.sub("", command)  # the .venv it syncs is the runner's, on PATH
            if SERVERS.search(command):
                if "djangoes-embedded serve" in command and "--port" not in command:
                    command += f" --port {self.ports[9200]}"  # its default, 9200, or a free one
                self.start(["bash", "-c", f"exec {command}"], command)
                continue
            result = subprocess.run(
                ["bash", "-c", command],
                cwd=self.project,
                env=self.environment(),
                input=self.input,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            if result.returncode != 0:
                output = result.stdout + result.stderr
                raise BlockFailed(f"{command}: exit {result.returncode}\n{output}")

    def check_installs(self, block: Block) -> None:
        """What an install command installs is in the repository's .venv: each distribution,
        with the requirements of the extras it names (so the extras exist)."""
        for command in commands(block.text):
            for requirement in requirements(command):
                self.check_installed(requirement)

    def check_installed(self, requirement: Requirement) -> None:
        try:
            distribution = importlib.metadata.distribution(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            places = [
                ROOT / ".uv" / "bin",
                *map(Path, os.environ.get("PATH", "").split(os.pathsep)),
            ]
            if requirement.name == "uv" and any((d / "uv").exists() for d in places):
                return  # on PATH, or in .uv/bin where the README's set-up puts it
            raise BlockFailed(f"{requirement.name} is not installed") from None
        provided = set(distribution.metadata.get_all("Provides-Extra") or [])
        if missing := requirement.extras - provided:
            raise BlockFailed(f"{requirement.name} has no extra {sorted(missing)}")
        for extra in requirement.extras:
            for line in distribution.requires or []:
                needed = Requirement(line)
                marker = needed.marker
                if (
                    marker
                    and marker.evaluate({"extra": extra})
                    and not marker.evaluate({"extra": ""})
                ):
                    self.check_installed(Requirement(str(needed).split(";")[0]))

    def start(self, command: list[str], name: str) -> subprocess.Popen[str]:
        """A server, until the page ends, once it has printed that it listens."""
        process = subprocess.Popen(
            command,
            cwd=self.project,
            env=self.environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=(self.work / f"server-{len(self.servers)}.log").open("w"),
            text=True,
        )
        self.servers.append(process)
        line = process.stdout.readline() if process.stdout else ""
        if "listening on" not in line:
            process.kill()
            log = (self.work / f"server-{len(self.servers) - 1}.log").read_text()
            raise BlockFailed(f"{name} did not start: {line!r}\n{log[-3000:]}")
        return process

    def stop(self) -> None:
        for process in reversed(self.servers):
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for lock in self.locks:
            lock.close()

    # toml and included files

    def check_toml(self, text: str, where: Path) -> None:
        """Parsed, and each entry point loaded (as installed, where it is registered)."""
        data = tomllib.loads(text)
        groups = data.get("project", {}).get("entry-points", {})
        if not groups:
            raise BlockFailed("no entry point in this toml")
        sys.path.insert(0, str(where))
        try:
            for group, points in groups.items():
                for name, value in points.items():
                    point = importlib.metadata.EntryPoint(name, value, group)
                    point.load()
                    installed = importlib.metadata.entry_points(group=group, name=name)
                    if installed and value not in {p.value for p in installed}:
                        raise BlockFailed(f"{group} {name} is installed as {list(installed)}")
        finally:
            sys.path.remove(str(where))

    def check_literalinclude(self, block: Block) -> None:
        """The included file exists and its ``start-at``/``end-before`` are in it; python is
        imported (as the module of its package) and has the ``pyobject``, toml is checked."""
        source = (block.path.parent / block.info).resolve()
        options = dict(re.findall(r"^:([\w-]+): *(.*)$", block.text, re.MULTILINE))
        text = source.read_text()
        if start := options.get("start-at", "").strip('"'):
            if start not in text:
                raise BlockFailed(f"{start!r} not in {source}")
            text = text[text.index(start) :]
        if end := options.get("end-before", "").strip('"'):
            if end not in text:
                raise BlockFailed(f"{end!r} not in {source}")
            text = text[: text.index(end)]
        if options.get("language") == "python":
            top, parts = source.parent, [] if source.name == "__init__.py" else [source.stem]
            while (top / "__init__.py").exists():  # up to the folder of the top package
                parts.insert(0, top.name)
                top = top.parent
            name = ".".join(parts)
            sys.path.insert(0, str(top))
            try:
                loaded = sys.modules.get(name)
                if loaded is not None and Path(loaded.__file__ or "").resolve() != source:
                    sys.modules.pop(name)  # one of that name from elsewhere: this file's
                module = importlib.import_module(name)
            finally:
                sys.path.remove(str(top))
            if Path(module.__file__ or "").resolve() != source:
                raise BlockFailed(f"{name} is imported from {module.__file__}, not {source}")
            if (obj := options.get("pyobject", "").strip()) and not hasattr(module, obj):
                raise BlockFailed(f"{name} has no {obj}")
        elif options.get("language") == "toml":
            self.check_toml(text, source.parent)


def main() -> None:
    page, work = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    results = PageRunner(page, work).run()
    with contextlib.suppress(BrokenPipeError):
        sys.stdout.write("\n" + json.dumps(results) + "\n")


if __name__ == "__main__":
    main()
