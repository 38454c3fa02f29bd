"""Writes the engine's table of Elasticsearch REST endpoints it does not serve.

Elasticsearch's endpoints come from its API specification, which is not part of this
repository: pass one or more checkouts of it, in either form Elasticsearch publishes it:

* ``rest-api-spec/src/main/resources/rest-api-spec/api`` of elastic/elasticsearch (or
  ``specification/_json_spec`` of elastic/elasticsearch-specification up to 9.1): one JSON file
  per API, ``{"ml.put_job": {"url": {"paths": [{"path": ..., "methods": [...]}]}}}``;
* ``specification`` of elastic/elasticsearch-specification (9.2 on): one ``*Request.ts`` per API,
  named by its ``@rest_spec_name`` tag, with its ``urls: [{path: ..., methods: [...]}]``.

The table keeps every (method, path) that no route of ``djangoes_engine.rest.routes.ROUTES``
serves, except the paths another part of the engine owns (:data:`OWNED_ELSEWHERE`), and writes it
to ``djangoes_engine/rest/unsupported_endpoints.py``. Run it again after serving a new endpoint::

    .venv/bin/python scripts/unsupported_endpoints.py SPEC_DIR [SPEC_DIR ...]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from collections import defaultdict
from pathlib import Path

from djangoes_engine.rest.routes import ROUTES
from djangoes_engine.rest.unsupported import shape

TARGET = (
    Path(__file__).resolve().parent.parent
    / "djangoes_engine/djangoes_engine/rest/unsupported_endpoints.py"
)

#: Path prefixes left out of the table: data streams, rollover and tasks belong to the data
#: streams work, which answers (or will answer) them itself.
OWNED_ELSEWHERE: tuple[str, ...] = ()

Endpoints = dict[str, dict[str, set[str]]]  # API name -> path -> methods


def read_json_spec(directory: Path, endpoints: Endpoints) -> None:
    for file in sorted(directory.glob("*.json")):
        if file.name.startswith("_common"):
            continue
        for name, api in json.loads(file.read_text()).items():
            for url in api["url"]["paths"]:
                endpoints[name][url["path"]].update(url["methods"])


_NAME = re.compile(r"@rest_spec_name\s+(\S+)")
_URLS = re.compile(r"^\s*urls:\s*\[(.*?)^\s*\]", re.S | re.M)
_URL = re.compile(r"path:\s*'([^']+)'\s*methods:\s*\[([^\]]*)\]")


def read_typescript_spec(directory: Path, endpoints: Endpoints) -> None:
    for file in sorted(directory.rglob("*Request.ts")):
        text = file.read_text()
        name, urls = _NAME.search(text), _URLS.search(text)
        if name is None or urls is None:
            continue
        for path, methods in _URL.findall(urls.group(1)):
            endpoints[name.group(1)][path].update(re.findall(r"'(\w+)'", methods))


def unsupported(endpoints: Endpoints) -> dict[str, dict[str, list[str]]]:
    """namespace -> API -> ["METHODS /path", ...] for what the engine does not serve."""
    served = {(method, shape(path)) for methods, path, _ in ROUTES for method in methods.split(",")}
    table: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for name in sorted(endpoints):
        routes = []
        for path, methods in sorted(endpoints[name].items()):
            if path.startswith(OWNED_ELSEWHERE):
                continue
            left = sorted(m for m in methods if (m, shape(path)) not in served)
            if left:
                routes.append(f"{','.join(left)} {path}")
        if routes:
            namespace, _, api = name.rpartition(".")
            table[namespace][api] = routes
    return table


def partly_served(endpoints: Endpoints, table: dict[str, dict[str, list[str]]]) -> list[str]:
    """The APIs of the table that the engine serves some routes of."""
    names = []
    for namespace, apis in table.items():
        for api, routes in apis.items():
            name = f"{namespace}.{api}".lstrip(".")
            total = sum(len(methods) for methods in endpoints[name].values())
            if sum(len(route.split(" ")[0].split(",")) for route in routes) < total:
                names.append(name)
    return sorted(names)


def render(table: dict[str, dict[str, list[str]]], partly: list[str]) -> str:
    lines = [
        '"""Elasticsearch 9\'s REST endpoints that the engine does not serve (a generated table).',
        "",
        "Written by scripts/unsupported_endpoints.py from Elasticsearch's API specification, less",
        "what rest/routes.py serves; rest/unsupported.py routes each to a refusal naming the API.",
        '"""',
        "",
        "#: namespace -> API -> routes, each ``METHODS /path/{part}``; the namespace of the",
        '#: APIs without one (``field_caps``, ``knn_search``, ...) is "".',
        "UNSUPPORTED: dict[str, dict[str, tuple[str, ...]]] = {",
    ]
    for namespace in sorted(table):
        lines.append(f"    {namespace!r}: {{".replace("'", '"'))
        for api, routes in table[namespace].items():
            shown = ", ".join(json.dumps(route) for route in routes)
            lines.append(f'        "{api}": ({shown},),')
        lines.append("    },")
    lines.append("}")
    lines.append("")
    lines.append(
        "#: The APIs of the table that the engine serves in part: a refusal names the route too."
    )
    lines.append("PARTLY_SERVED: frozenset[str] = frozenset(")
    lines.append("    {")
    lines.extend(f'        "{name}",' for name in partly)
    lines.append("    }")
    lines.append(")")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("spec", nargs="+", type=Path, help="a checkout of the API specification")
    arguments = parser.parse_args()
    endpoints: Endpoints = defaultdict(lambda: defaultdict(set))
    for directory in arguments.spec:
        if any(directory.rglob("*Request.ts")):
            read_typescript_spec(directory, endpoints)
        else:
            read_json_spec(directory, endpoints)
    table = unsupported(endpoints)
    TARGET.write_text(render(table, partly_served(endpoints, table)))
    subprocess.run(["ruff", "format", "--quiet", str(TARGET)], check=True)
    count = sum(len(apis) for apis in table.values())
    print(f"{len(endpoints)} APIs in the specification, {count} not (wholly) served: {TARGET}")


if __name__ == "__main__":
    main()
