"""The docs runner's fixtures (``<!-- snippet: setup=NAME -->``) and checks (``check=NAME``).

A *setup* gives a page's project what its blocks take for granted (an app, a second
connection, the user's own node classes); the runner installs every setup a page names before
its first block, and calls ``before`` just before each block that names it. A *check* runs
after its block and looks at what the block did, or compares a block of output with what the
real command prints.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import runpy
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.docs.blocks import Block
    from tests.docs.runner import PageRunner

ROOT = Path(__file__).resolve().parents[2]


class BlockFailed(Exception):
    """A block did not do what its page says."""


class Setup:
    apps: list[str] = []
    #: Whether the page's uv commands run offline (from uv's cache): a page that re-locks needs
    #: the package index, as its reader has it (CI reaches the registries too).
    offline = True

    def write(self, runner: PageRunner) -> None:
        """Files of the page's project, before Django is set up."""

    def settings(self, runner: PageRunner) -> str:
        """Settings, before the page's own (which win)."""
        return ""

    def extend(self, runner: PageRunner) -> str:
        """Settings after the page's own (a connection the page's blocks use besides)."""
        return ""

    def prepare(self, runner: PageRunner) -> None:
        """After Django is set up and the page's engine started, before the first block."""

    def before(self, runner: PageRunner) -> None:
        """Just before each block that names this setup."""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def create_indices(alias: str = "default") -> None:
    from djangoes import connections

    connection = connections[alias]
    for name, body in connection.get_indices_with_settings().items():
        if not connection.client.indices.exists(index=name):
            connection.client.indices.create(index=name, **body)


BOOKS = [("dune", "Dune"), ("messiah", "Dune Messiah"), ("snow", "Snow Crash")]


def index_books(alias: str = "default") -> None:
    from djangoes import connections

    connection = connections[alias]
    for id, title in BOOKS:
        connection.index(id=id, document={"title": title}, refresh=True)


class Books(Setup):
    """The docs' running example: ``ES_INDICES['books']`` on the ``default`` connection, with a
    few books (Dune, Dune Messiah, Snow Crash), and no request kept yet in ``DEBUG``."""

    def settings(self, runner: PageRunner) -> str:
        return (
            'ES_SERVERS["default"]["INDICES"] = ["books"]\n'
            'ES_INDICES["books"] = {"REBUILD": True, "SETTINGS": '
            '{"mappings": {"properties": {"title": {"type": "text"}}}}}\n'
        )

    def prepare(self, runner: PageRunner) -> None:
        create_indices()
        index_books()

    def before(self, runner: PageRunner) -> None:
        from djangoes import reset_queries

        reset_queries()


class Library(Setup):
    """The ``library`` app of connections.md and testing.md: ``library.search.books`` (the
    ``SOURCE`` that connections.md's settings name) yields its books."""

    apps = ["library"]

    def write(self, runner: PageRunner) -> None:
        write(runner.project / "library" / "__init__.py", "")
        write(
            runner.project / "library" / "search.py",
            f"def books():\n    yield from {[(id, {'title': t}) for id, t in BOOKS]!r}\n",
        )

    def settings(self, runner: PageRunner) -> str:
        return Books().settings(runner)

    def prepare(self, runner: PageRunner) -> None:
        create_indices()
        index_books()


class FreshIndices(Setup):
    """The block creates the connection's indices: those of earlier blocks are deleted first."""

    def before(self, runner: PageRunner) -> None:
        from djangoes import connection

        for name in connection.get_indices_with_settings():
            connection.client.indices.delete(index=name, ignore_unavailable=True)


class Catalog(Setup):
    """A second connection, ``catalog``, that connections.md's first block names."""

    def extend(self, runner: PageRunner) -> str:
        return (
            f'ES_SERVERS["catalog"] = {{"HOSTS": ["http://127.0.0.1:{runner.ports[9200]}"], '
            '"INDICES": ["catalog"]}\nES_INDICES["catalog"] = {}\n'
        )


class MyPackage(Setup):
    """The user's own node classes, that the docs' backends import: ``mypackage.node``'s
    ``MyNode`` (urllib3's node) and ``MyAsyncNode`` (aiohttp's)."""

    def write(self, runner: PageRunner) -> None:
        write(runner.project / "mypackage" / "__init__.py", "")
        write(
            runner.project / "mypackage" / "node.py",
            "from elastic_transport import AiohttpHttpNode, Urllib3HttpNode\n\n\n"
            "class MyNode(Urllib3HttpNode):\n    pass\n\n\n"
            "class MyAsyncNode(AiohttpHttpNode):\n    pass\n",
        )


class Blog(Setup):
    """The ``blog`` app of commands.md: a ``Post`` model (title, body, published), its table,
    three published posts and a draft; and, for the README's commands, ``ES_INDICES['blog']``
    on ``default`` and a second connection, ``main``, serving an index of its own."""

    apps = ["blog"]

    def write(self, runner: PageRunner) -> None:
        write(runner.project / "blog" / "__init__.py", "")
        write(
            runner.project / "blog" / "models.py",
            "from django.db import models\n\n\nclass Post(models.Model):\n"
            "    title = models.CharField(max_length=100)\n    body = models.TextField()\n"
            "    published = models.BooleanField(default=True)\n",
        )

    def extend(self, runner: PageRunner) -> str:
        return (
            'ES_INDICES.setdefault("blog", {"REBUILD": True})\n'
            'ES_INDICES["archive"] = {}\n'
            'ES_SERVERS["default"]["INDICES"] = ["blog"]\n'
            f'ES_SERVERS["main"] = {{"HOSTS": ["http://127.0.0.1:{runner.ports[9200]}"], '
            '"INDICES": ["archive"]}\n'
        )

    def prepare(self, runner: PageRunner) -> None:
        from django.core.management import call_command

        call_command("migrate", run_syncdb=True, verbosity=0)
        create_indices("default")
        create_indices("main")
        from djangoes import connections
        from djangoes.rebuild import rebuild

        rebuild(connections["default"], "blog")  # live under a versioned name, as in the docs
        from blog.models import Post  # type: ignore[import-not-found]

        for number in range(3):
            Post.objects.create(title=f"Post {number}", body="Words.")
        Post.objects.create(title="Draft", body="Not yet.", published=False)


class HostTypo(Setup):
    """checks.md's mistake: ``ES_SERVERS['default']`` with ``HOST`` for ``HOSTS``."""

    def settings(self, runner: PageRunner) -> str:
        return 'ES_SERVERS = {"default": {"HOST": "localhost:9200"}}\n'


class Metrics(Setup):
    """The user's metrics client that observability.md's receiver calls: it records."""

    def before(self, runner: PageRunner) -> None:
        class Metrics:
            def __init__(self) -> None:
                self.calls: list[tuple[str, dict[str, Any]]] = []

            def increment(self, name: str, tags: dict[str, Any]) -> None:
                self.calls.append((name, tags))

        runner.namespace["metrics"] = Metrics()


class Workspace(Setup):
    """What install.md's version commands read and write, as in the clone: the workspace's
    ``pyproject.toml`` files, ``uv.lock`` and ``scripts/``, copied into the page's project
    (``.venv`` there is the repository's; ``.uv`` too, when the README's set-up made one), so
    that ``set`` writes the copy. ``uv lock`` reads the index: a fresh machine's cache holds the
    wheels ``uv sync`` installed, not the metadata a resolution for every Python needs."""

    offline = False

    def write(self, runner: PageRunner) -> None:
        tool = runpy.run_path(str(ROOT / "scripts" / "version.py"))
        scripts = sorted((ROOT / "scripts").glob("*.py"))
        for path in [*tool["pyprojects"](ROOT), ROOT / "uv.lock", *scripts]:
            write(runner.project / path.relative_to(ROOT), path.read_text())
        if (ROOT / ".uv").is_dir():
            (runner.project / ".uv").symlink_to(ROOT / ".uv")


class AwsChain(Setup):
    """transports.md's Amazon OpenSearch Service connection: credentials in botocore's chain
    (example ones, in the environment, where the chain looks first; no shared file, no
    instance role), and the ``blog`` entry of ``ES_INDICES`` that the connection serves."""

    ENVIRONMENT = {
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "AWS_EC2_METADATA_DISABLED": "true",
    }

    def settings(self, runner: PageRunner) -> str:
        return 'ES_INDICES["blog"] = {}\n'

    def prepare(self, runner: PageRunner) -> None:
        os.environ.pop("AWS_SESSION_TOKEN", None)
        os.environ.pop("AWS_PROFILE", None)
        os.environ.update(self.ENVIRONMENT)


class TlsFiles(Setup):
    """embedded.md's certificate: ``server.pem`` and ``server.key`` for 127.0.0.1 and
    localhost, from a CA (trustme) whose certificate is ``ca.pem``, in the page's project."""

    def write(self, runner: PageRunner) -> None:
        import trustme

        authority = trustme.CA()
        issued = authority.issue_cert("127.0.0.1", "localhost")
        authority.cert_pem.write_to_path(str(runner.project / "ca.pem"))
        issued.cert_chain_pems[0].write_to_path(str(runner.project / "server.pem"))
        issued.private_key_pem.write_to_path(str(runner.project / "server.key"))


SETUPS: dict[str, Setup] = {
    "books": Books(),
    "library": Library(),
    "fresh-indices": FreshIndices(),
    "catalog": Catalog(),
    "mypackage": MyPackage(),
    "blog": Blog(),
    "host-typo": HostTypo(),
    "metrics": Metrics(),
    "workspace": Workspace(),
    "aws-chain": AwsChain(),
    "tls-files": TlsFiles(),
}


# Checks


def request(path: str, **params: str) -> Any:
    from django.test import RequestFactory

    return RequestFactory().get(path, params)


def async_views(runner: PageRunner, block: Block) -> None:
    """The block's async views answer a request: ``search`` (``?q=dune``), and ``count``."""
    namespace = runner.namespace

    async def call() -> None:
        response = await namespace["search"](request("/", q="dune"))
        if response is not None:
            ids = json.loads(response.content)["ids"]
            if sorted(ids) != ["dune", "messiah"]:
                raise BlockFailed(f"search found {ids}")
        if "count" in namespace:
            count = json.loads((await namespace["count"](request("/"))).content)
            if count["count"] != len(BOOKS):
                raise BlockFailed(f"count answered {count}")

    asyncio.run(call())


def backend(runner: PageRunner, block: Block) -> None:
    """The block's ``MyBackend``, as ``ENGINE`` by its dotted path, carries requests to the
    page's engine, synchronous and async, through the nodes it names."""
    from django.test import override_settings

    from djangoes import aconnections, connections

    module = "snippets" if "MyBackend" in runner.namespace else "mypackage"
    backend_class = sys.modules[module].MyBackend
    server = {"ENGINE": f"{module}.MyBackend", "HOSTS": [f"127.0.0.1:{runner.ports[9200]}"]}
    with override_settings(ES_SERVERS={"default": server}, ES_INDICES={}):
        connection = connections["default"]
        if not connection.ping():
            raise BlockFailed("no answer through MyBackend")
        nodes = connection.client.transport.node_pool.all()
        if not all(isinstance(node, backend_class.connection_class) for node in nodes):
            raise BlockFailed(f"nodes {nodes}")
        async_class = getattr(backend_class, "async_connection_class", None)
        if async_class is not None:

            async def ping() -> None:
                client = aconnections["default"]
                if not await client.ping():
                    raise BlockFailed("no answer through MyBackend, async")
                nodes = client.client.transport.node_pool.all()
                if not all(isinstance(node, async_class) for node in nodes):
                    raise BlockFailed(f"async nodes {nodes}")

            asyncio.run(ping())


def ping(runner: PageRunner, block: Block) -> None:
    """Every connection of the page's settings answers a ping."""
    from django.conf import settings

    from djangoes import connections

    for alias in settings.ES_SERVERS:
        if not connections[alias].ping():
            raise BlockFailed(f"{alias} does not answer")


def manage(runner: PageRunner, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=runner.project,
        env=runner.environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def manage_check(runner: PageRunner, block: Block) -> None:
    """``manage.py check`` prints the block, word for word."""
    result = manage(runner, "check")
    if result.stderr.strip() != block.text.strip():
        raise BlockFailed(f"manage.py check printed:\n{result.stderr}{result.stdout}")


def manage_test(runner: PageRunner, block: Block) -> None:
    """``manage.py test`` runs the block's tests, and they pass."""
    result = manage(runner, "test", "library", "-v", "2")
    if result.returncode != 0 or "test_find" not in result.stderr:
        raise BlockFailed(result.stdout + result.stderr)


def pytest_test(runner: PageRunner, block: Block) -> None:
    """The block, as a test module, passes under pytest (pytest-django and djangoes' plugin)."""
    write(runner.project / "test_snippet.py", block.text)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(runner.project),
            "test_snippet.py",
        ],
        cwd=runner.project,
        env=runner.environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0 or "1 passed" not in result.stdout:
        raise BlockFailed(result.stdout + result.stderr)


def source(runner: PageRunner, block: Block) -> None:
    """``es_indices rebuild blog`` indexes what ``SOURCE`` yields: the published posts."""
    from djangoes import connections

    result = manage(runner, "es_indices", "rebuild", "blog", "--noinput")
    if result.returncode != 0:
        raise BlockFailed(result.stdout + result.stderr)
    connection = connections["default"]
    connection.refresh()
    titles = sorted(h["_source"]["title"] for h in connection.search()["hits"]["hits"])
    if titles != ["Post 0", "Post 1", "Post 2"]:
        raise BlockFailed(f"the rebuilt index holds {titles}")


def rebuilt(runner: PageRunner, block: Block) -> None:
    """The block's ``result`` names the new index, which the alias now points to."""
    from djangoes import connections

    result = runner.namespace["result"]
    aliases = connections["default"].client.indices.get_alias(name="blog")
    if list(aliases) != [result.new] or result.copied != 3:
        raise BlockFailed(f"{result} {dict(aliases)}")


def connection_created(runner: PageRunner, block: Block) -> None:
    """A new connection calls the block's receiver, which counts it."""
    from djangoes import connections

    connections.close_all()
    connections["default"].ping()
    calls = runner.namespace["metrics"].calls
    if ("es.connections", {"alias": "default"}) not in calls:
        raise BlockFailed(f"metrics: {calls}")


class Recorder(logging.Handler):
    """Keeps the records it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def rebuild_step(runner: PageRunner, block: Block) -> None:
    """A rebuild logs each of its steps through the block's receiver."""
    from djangoes import connections
    from djangoes.rebuild import Rebuild, rebuild

    handler = Recorder()
    logger = runner.namespace["logger"]
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        rebuild(connections["default"], "books")
    finally:
        logger.removeHandler(handler)
    expected = [f"rebuild of books: {step}" for step in Rebuild.STEPS]
    logged = [record.getMessage() for record in handler.records]
    if logged != expected:
        raise BlockFailed(f"logged {logged}")


def usage(runner: PageRunner, block: Block) -> None:
    """Each command of the synopsis has each of its options (``--help``)."""
    commands = re.findall(r"^(djangoes-[\w-]+)", block.text, re.MULTILINE)
    options = set(re.findall(r"(--[\w-]+)", block.text))
    for command in commands:
        help = subprocess.run(
            [str(Path(sys.executable).parent / command), "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        if missing := sorted(option for option in options if option not in help):
            raise BlockFailed(f"{command} --help lacks {missing}")


def announce(runner: PageRunner, block: Block) -> None:
    """A gateway started as the line says prints that line once it listens."""
    text = runner.substitute(block.text)  # the page's port 9500, or a free one
    words = text.split()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / words[0]),
            "--listen",
            words[-1],
            "--upstream",
            "embedded",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
    finally:
        process.terminate()
        process.wait(30)
    if line.strip() != text.strip():
        raise BlockFailed(f"the gateway printed {line!r}")


def upstream_failure(runner: PageRunner, block: Block) -> None:
    """A gateway whose upstream refuses connections answers the block's 502 (``...``: any
    text)."""
    from elasticsearch import ApiError

    from djangoes_backends_thrift.server import start_in_thread
    from djangoes_gateway.upstreams import upstream
    from tests.docs.runner import free_port
    from tests.support import connection

    refused = free_port()
    upstream_url = f"http://127.0.0.1:{refused}"
    expected = block.text.replace(":9200", f":{refused}")
    gateway = start_in_thread(upstream(upstream_url), port=0)
    try:
        server = {"ENGINE": "thrift", "HOSTS": [f"127.0.0.1:{gateway.port}"]}
        try:
            connection({**server, "PARAMS": {"max_retries": 0}}).info()
        except ApiError as error:
            got = json.dumps(error.body | {"status": error.meta.status})
        else:
            raise BlockFailed("the gateway answered")
    finally:
        gateway.stop()
    pattern = re.escape(json.dumps(json.loads(expected.replace("...", "ELLIPSIS"))))
    pattern = pattern.replace("ELLIPSIS", ".*")
    if not re.fullmatch(pattern, got):
        raise BlockFailed(f"the gateway answered {got}")


MESSAGE = re.compile(r"request \[(?P<path>[^\]]+)\] contains unrecognized .*?: (?P<names>.*)")


def unrecognized_parameters(runner: PageRunner, block: Block) -> None:
    """Each message is the engine's answer to the request it describes."""
    from elasticsearch import BadRequestError

    from djangoes_backends_embedded import client

    es = client()
    for line in block.text.splitlines():
        match = MESSAGE.fullmatch(line)
        if match is None:
            raise BlockFailed(f"not a message: {line}")
        names = re.findall(r"(?:^|, )\[(\w+)\]", match["names"].split(" -> ")[0])
        method = "PUT" if "/_doc/" in match["path"] else "GET"
        try:
            es.perform_request(
                method,
                match["path"],
                params=dict.fromkeys(names, "x"),
                headers={"accept": "application/json"},
            )
        except BadRequestError as error:
            if error.body["error"]["reason"] != line:
                raise BlockFailed(f"{error.body['error']['reason']!r} for {line!r}") from None
        else:
            raise BlockFailed(f"accepted: {line}")


def idl(runner: PageRunner, block: Block) -> None:
    """The block is the transport's Thrift file, where it writes ``...`` for the elided."""

    def normal(text: str) -> str:
        text = re.sub(r"//[^\n]*", "", text)
        text = re.sub(r"\s+", " ", text)
        text = re.sub(r" ?([{},()=:<>]) ?", r"\1", text)
        return text.replace(",}", "}")

    source = normal(
        (
            ROOT / "djangoes_backends_thrift" / "djangoes_backends_thrift" / "elasticsearch.thrift"
        ).read_text()
    )
    for part in block.text.split("\n\n"):
        pattern = re.escape(normal(part)).replace(r"\.\.\.", ".*?")
        if not re.search(pattern, source):
            raise BlockFailed(f"not in elasticsearch.thrift: {part}")


def request_log(runner: PageRunner, block: Block) -> None:
    """The block's log lines are those of the requests they describe, numbers (durations, the
    refused port) aside, ``...`` standing for the rest of a body."""
    from django.test import override_settings
    from elasticsearch import ConnectionError, NotFoundError

    from djangoes import connections
    from tests.docs.runner import free_port

    handler = Recorder()
    records = handler.records
    logger = logging.getLogger("djangoes.requests")
    level = logger.level
    logger.addHandler(handler)
    try:
        logger.setLevel(logging.INFO)
        connection = connections["default"]
        connection.index(id="1", document={"title": "Dune"}, refresh=True)
        with contextlib.suppress(NotFoundError):
            connection.search(index="missing")
        down = {"HOSTS": [f"127.0.0.1:{free_port()}"], "PARAMS": {"max_retries": 0}}
        with (
            override_settings(ES_SERVERS={"default": down}, ES_INDICES={}),
            contextlib.suppress(ConnectionError),
        ):
            connections["default"].info()
        logger.setLevel(logging.DEBUG)
        start = len(records)
        connections["default"].search(query={"match": {"title": "dune"}})  # a new one
        records[start:] = [r for r in records[start:] if r.levelno == logging.DEBUG]
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    got = "\n".join(
        f"{record.levelname:<7} " + record.getMessage().replace("\n", "\n" + " " * 8)
        for record in records
    )

    def masked(text: str) -> str:
        return re.sub(r"\d+(\.\d+)?", "0", text)

    pattern = re.escape(masked(block.text.strip())).replace(r"\.\.\.", ".*")
    if not re.fullmatch(pattern, masked(got)):
        raise BlockFailed(f"the requests logged:\n{got}")


def digits_masked(text: str) -> str:
    return re.sub(r"\d+", "0", text.strip())


def no_terminal(runner: PageRunner, block: Block) -> None:
    """``es_indices delete`` with nothing to read on standard input fails with the block's
    message (the index's time aside)."""
    result = manage(runner, "es_indices", "delete", "--using", "default")
    if result.returncode == 0 or digits_masked(block.text) not in digits_masked(result.stderr):
        raise BlockFailed(f"exit {result.returncode}: {result.stdout}{result.stderr}")


def delete_question(runner: PageRunner, block: Block) -> None:
    """``es_indices delete`` asks the block's question (the index's time aside); answered
    no, it deletes nothing."""
    from djangoes import connections

    result = subprocess.run(
        [sys.executable, "manage.py", "es_indices", "delete", "--using", "default"],
        cwd=runner.project,
        env=runner.environment(),
        input="no\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if not digits_masked(result.stdout).startswith(digits_masked(block.text)):
        raise BlockFailed(f"exit {result.returncode}: {result.stdout}{result.stderr}")
    if not connections["default"].client.indices.exists(index="blog"):
        raise BlockFailed("answered no, delete deleted blog")


def memcached_answer(runner: PageRunner, block: Block) -> None:
    """The page's gateway answers a ``set`` of a document (a PUT) with the block's bytes,
    ``...`` standing for the rest of the body."""
    import socket

    body = b'{"title": "Dune"}'
    with socket.create_connection(("127.0.0.1", runner.ports[11311]), timeout=30) as sock:
        sock.sendall(b"set /books/_doc/1 256 0 %d\r\n%s\r\n" % (len(body), body))
        sock.sendall(b"get _djangoes/response\r\n")
        received = b""
        while not received.endswith(b"\r\nEND\r\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    stored, _, rest = received.partition(b"\r\n")
    header, _, value = rest.partition(b"\r\n")
    if stored != b"STORED" or not header.startswith(b"VALUE _djangoes/response 0 "):
        raise BlockFailed(f"the gateway answered {received!r}")
    answer = value.removesuffix(b"\r\nEND\r\n").decode()
    expected = block.text.strip().replace("\\r\\n\n", "\r\n")
    head, _, want_body = expected.partition("\r\n\r\n")
    got_head, _, got_body = answer.partition("\r\n\r\n")
    status, *headers = head.split("\r\n")
    got_status, *got_headers = got_head.split("\r\n")
    if (status, sorted(headers)) != (got_status, sorted(got_headers)) or not re.fullmatch(
        re.escape(want_body).replace(r"\.\.\.", ".*"), got_body
    ):  # headers in any order
        raise BlockFailed(f"the answer's value: {answer!r}")


def server_failures(runner: PageRunner, block: Block) -> None:
    """``es_indices list`` against a server that is down, one that never answers and one that
    answers 500 ends with the block's lines, the server's location aside."""
    import http.server
    import socket
    import threading

    from tests.docs.runner import free_port

    class Failing(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            self.send_response(500)
            self.send_header("content-type", "text/plain")
            self.send_header("content-length", str(len(self.body)))
            self.end_headers()

        def do_GET(self) -> None:
            self.do_HEAD()
            self.wfile.write(self.body)

        body = b"Internal Server Error"  # as a proxy answers

        def log_message(self, *args: Any) -> None:
            pass

    write(
        runner.project / "failing.py",
        "import os\n\nfrom settings import *  # noqa: F403\n\n"
        'ES_SERVERS = {"default": {"HOSTS": [os.environ["DOCS_HOST"]], '
        '"INDICES": ["blog"], "PARAMS": {"request_timeout": 0.3, "max_retries": 0}}}\n'
        'ES_INDICES = {"blog": ES_INDICES["blog"]}  # noqa: F405\n',
    )
    failing = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Failing)
    threading.Thread(target=failing.serve_forever, daemon=True).start()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections complete, and nothing ever answers them
    wrong: list[str] = []
    try:
        ports = [free_port(), silent.getsockname()[1], failing.server_address[1]]
        for port, line in zip(ports, block.text.strip().splitlines(), strict=True):
            env = {**runner.environment(), "DJANGO_SETTINGS_MODULE": "failing"}
            env["DOCS_HOST"] = f"http://127.0.0.1:{port}"
            result = subprocess.run(
                [sys.executable, "manage.py", "es_indices", "list"],
                cwd=runner.project,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            expected = line.replace("https://es.example.com:443", env["DOCS_HOST"])
            last = result.stderr.strip().splitlines()[-1:]
            if result.returncode != 1 or last != [expected]:
                wrong.append(f"exit {result.returncode}, not {expected!r}:\n{result.stderr}")
    finally:
        failing.shutdown()
        failing.server_close()
        silent.close()
    if wrong:
        raise BlockFailed("\n".join(wrong))


def version_set(runner: PageRunner, block: Block) -> None:
    """``set`` wrote the block's version into every place of the copy (``check`` finds none
    that differs), and ``uv lock`` recorded it for each of ours."""
    found = re.search(r" set (\S+)", block.text)
    if found is None:
        raise BlockFailed("no set command in the block")
    new = found[1]
    tool = runpy.run_path(str(runner.project / "scripts" / "version.py"))
    if tool["version"](runner.project) != new or (wrong := tool["check"](runner.project)):
        raise BlockFailed(f"version {tool['version'](runner.project)}: {wrong}")
    ours = tool["ours"](runner.project)
    lock = tomllib.loads((runner.project / "uv.lock").read_text())
    locked = {p["name"]: p.get("version") for p in lock["package"] if p["name"] in ours}
    if locked != dict.fromkeys(ours, new):
        raise BlockFailed(f"uv.lock has {locked}")


def in_memory_warning(runner: PageRunner, block: Block) -> None:
    """``es_indices create`` and ``es_check``, on an in-memory embedded engine, say the block
    first on stderr."""
    write(
        runner.project / "in_memory.py",
        "from settings import *  # noqa: F403\n\n"
        'ES_SERVERS = {"default": {"ENGINE": "embedded", "INDICES": ["blog"]}}\n'
        'ES_INDICES = {"blog": {}}\n',
    )
    env = {**runner.environment(), "DJANGO_SETTINGS_MODULE": "in_memory"}
    for command in (["es_indices", "create"], ["es_check"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=runner.project,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if not result.stderr.startswith(block.text):
            raise BlockFailed(f"{' '.join(command)}: exit {result.returncode}\n{result.stderr}")


def aws_signed(runner: PageRunner, block: Block) -> None:
    """The block's connection signs its requests with SigV4 for its region and service, with
    the chain's credentials; the same connection, its host the page's engine (which answers
    opensearch-py as OpenSearch), sends them signed and gets the answer. (No request goes to
    AWS: the host is the reader's.)"""
    from django.conf import settings
    from django.test import override_settings

    from djangoes import connections

    server = settings.ES_SERVERS["default"]
    aws = server["PARAMS"]["aws"]
    (pooled,) = connections["default"].client.transport.connection_pool.connections
    signer = pooled.http_auth
    if (signer.signer.region, signer.service) != (aws["region"], aws["service"]):
        raise BlockFailed(f"signed for {signer.signer.region}, {signer.service}")
    engine = f"http://127.0.0.1:{runner.ports[9200]}"
    authorization = signer("GET", f"{engine}/", b"")["Authorization"]
    scope = f"/{aws['region']}/{aws['service']}/aws4_request"
    if not authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") or (
        scope not in authorization
    ):
        raise BlockFailed(f"Authorization: {authorization}")
    local = {"default": {**server, "HOSTS": [engine]}}
    with override_settings(ES_SERVERS=local):
        connection = connections["default"]
        if connection.info()["version"].get("distribution") != "opensearch":
            raise BlockFailed("the engine did not answer as OpenSearch")
        connection.index(id="1", document={"title": "Dune"}, refresh=True)
        hits = connection.search(query={"match": {"title": "dune"}})["hits"]["hits"]
        if [hit["_id"] for hit in hits] != ["1"]:
            raise BlockFailed(f"found {hits}")


def async_latest(runner: PageRunner, block: Block) -> None:
    """The block's ``latest()`` answers the titles of the page's posts, newest first: the one
    post of dsl.md, "Snow"."""
    titles = asyncio.run(runner.namespace["latest"]())
    if titles != ["Snow"]:
        raise BlockFailed(f"latest() answered {titles}")


def titles(runner: PageRunner, block: Block) -> None:
    """The block's ``titles`` are those the page's search finds: its one post, "Snow"."""
    if runner.namespace["titles"] != ["Snow"]:
        raise BlockFailed(f"titles: {runner.namespace['titles']}")


CHECKS: dict[str, Callable[[PageRunner, Block], None]] = {
    "async-views": async_views,
    "backend": backend,
    "ping": ping,
    "manage-check": manage_check,
    "manage-test": manage_test,
    "pytest": pytest_test,
    "source": source,
    "rebuilt": rebuilt,
    "connection-created": connection_created,
    "rebuild-step": rebuild_step,
    "usage": usage,
    "announce": announce,
    "upstream-failure": upstream_failure,
    "unrecognized-parameters": unrecognized_parameters,
    "idl": idl,
    "request-log": request_log,
    "no-terminal": no_terminal,
    "delete-question": delete_question,
    "memcached-answer": memcached_answer,
    "server-failures": server_failures,
    "version-set": version_set,
    "in-memory-warning": in_memory_warning,
    "aws-signed": aws_signed,
    "async-latest": async_latest,
    "titles": titles,
}
