"""Writes the engine's table of the URL parameters each served API accepts.

Elasticsearch refuses a URL parameter its API does not read; the engine does the same from a
table of each API's parameters, taken from Elasticsearch's API specification, which is not part
of this repository: pass a checkout of it, in either form Elasticsearch publishes it:

* ``rest-api-spec/src/main/resources/rest-api-spec/api`` of elastic/elasticsearch (or
  ``specification/_json_spec`` of elastic/elasticsearch-specification up to early 2026): one
  JSON file per API, ``{"search": {"url": {"paths": [...]}, "params": {...}}}``;
* ``specification`` of elastic/elasticsearch-specification: one ``*Request.ts`` per API, named
  by its ``@rest_spec_name`` tag, with its ``urls``, ``path_parts`` and ``query_parameters``.

Each route of ``djangoes_engine.rest.routes.ROUTES`` is matched to the API whose specification
lists the same method and path (placeholders alike); a route no API lists with that method takes
the API of the same path (:data:`SAME_API` names the ones the specification lists under no path
of that shape). The table, written to ``djangoes_engine/rest/api_parameters.py``, holds the
routes' APIs and each API's parameters and path parts; given several checkouts (of different
versions), an API accepts the parameters of all. Run it again after serving a route::

    .venv/bin/python scripts/route_parameters.py SPEC_DIR [SPEC_DIR ...] [--sources TEXT]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

from djangoes_engine.rest.routes import ROUTES
from djangoes_engine.rest.unsupported import shape

TARGET = (
    Path(__file__).resolve().parent.parent
    / "djangoes_engine/djangoes_engine/rest/api_parameters.py"
)

#: Routes Elasticsearch serves with an API whose specification lists them under no path of that
#: shape: ``GET /_aliases`` is get aliases (RestGetAliasesAction), not update aliases.
SAME_API = {
    "GET /_aliases": "indices.get_alias",
    "GET /{index}/_aliases": "indices.get_alias",
}


def read_spec(directory: Path) -> dict[str, dict]:
    apis: dict[str, dict] = {}
    for file in sorted(directory.glob("*.json")):
        if not file.name.startswith("_common"):
            apis.update(json.loads(file.read_text()))
    return apis


_NAME = re.compile(r"@rest_spec_name\s+(\S+)")
_URLS = re.compile(r"^\s*urls:\s*\[(.*?)^\s*\]", re.S | re.M)
_URL = re.compile(r"path:\s*'([^']+)'\s*methods:\s*\[([^\]]*)\]")
_FIELD = re.compile(r"^    (\w+)\??:", re.M)


def _block(text: str, key: str) -> str:
    """The ``key: { ... }`` member of a request class (two-space indent), without its braces."""
    found = re.search(rf"^  {key}:\s*\{{(.*?)^  \}}", text, re.S | re.M)
    return found.group(1) if found else ""


def read_typescript_spec(directory: Path) -> dict[str, dict]:
    """The TypeScript form read into the JSON form's shape (paths, parts, params)."""
    apis: dict[str, dict] = {}
    for file in sorted(directory.rglob("*Request.ts")):
        text = file.read_text()
        name, urls = _NAME.search(text), _URLS.search(text)
        if name is None or urls is None:
            continue
        parts = {part: {} for part in _FIELD.findall(_block(text, "path_parts"))}
        paths = [
            {"path": path, "methods": re.findall(r"'(\w+)'", methods), "parts": parts}
            for path, methods in _URL.findall(urls.group(1))
        ]
        params = {param: {} for param in _FIELD.findall(_block(text, "query_parameters"))}
        apis[name.group(1)] = {"url": {"paths": paths}, "params": params}
    return apis


def merge(apis: dict[str, dict], more: dict[str, dict]) -> None:
    """Add ``more`` to ``apis``: an API in both takes the paths and parameters of both."""
    for name, api in more.items():
        if name not in apis:
            apis[name] = api
            continue
        apis[name]["url"]["paths"] = apis[name]["url"]["paths"] + api["url"]["paths"]
        apis[name]["params"] = {**apis[name].get("params", {}), **api.get("params", {})}


def route_apis(apis: dict[str, dict]) -> dict[str, str]:
    """``METHOD /path`` of each route -> the API it serves."""
    exact: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
    shaped: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for name, api in apis.items():
        for url in api["url"]["paths"]:
            for method in url["methods"]:
                exact[(method, shape(url["path"]))].add(name)
            shaped[shape(url["path"])].add(name)
    table: dict[str, str] = {}
    for methods, path, _ in ROUTES:
        for method in methods.split(","):
            route = f"{method} {path}"
            found = exact.get((method, shape(path))) or shaped.get(shape(path), set())
            if route in SAME_API:
                found = {SAME_API[route]}
            if len(found) != 1:
                sys.exit(f"{route}: no single API in the specification ({sorted(found)})")
            table[route] = found.pop()
    return table


def parameters(api: dict) -> list[str]:
    """An API's parameters and path parts (Elasticsearch reads both from the request's params)."""
    names = set(api.get("params", {}))
    for url in api["url"]["paths"]:
        names |= set(url.get("parts", {}))
    return sorted(names)


def render(routes: dict[str, str], apis: dict[str, dict], sources: str) -> str:
    lines = [
        '"""The URL parameters of the Elasticsearch APIs the engine serves (a generated table).',
        "",
        "Written by scripts/route_parameters.py from Elasticsearch's API specification: the API",
        "each route of rest/routes.py serves, and each API's parameters and path parts;",
        "rest/parameters.py adds those every API reads and refuses the others.",
        *(["", *textwrap.wrap(f"Specification: {sources}.", 96)] if sources else []),
        '"""',
        "",
        "#: ``METHOD /path`` of each route -> the API it serves.",
        "ROUTE_APIS: dict[str, str] = {",
    ]
    lines.extend(f"    {json.dumps(route)}: {json.dumps(api)}," for route, api in routes.items())
    lines.append("}")
    lines.append("")
    lines.append("#: API -> its parameters and path parts, as its specification lists them")
    lines.append("#: (space-separated).")
    lines.append("API_PARAMETERS: dict[str, str] = {")
    for name in sorted(set(routes.values())):
        lines.extend(_entry(name, parameters(apis[name])))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _entry(name: str, names: list[str], width: int = 92) -> list[str]:
    """``"api": "a b c",`` on one line, or its words in strings of ``width`` at most."""
    line = f"    {json.dumps(name)}: {json.dumps(' '.join(names))},"
    if len(line) <= 100:
        return [line]
    chunks, current = [], ""
    for word in names:
        if current and len(current) + len(word) + 1 > width - 10:
            chunks.append(current + " ")
            current = word
        else:
            current = f"{current} {word}" if current else word
    chunks.append(current)
    return (
        [f"    {json.dumps(name)}: ("] + [f"        {json.dumps(c)}" for c in chunks] + ["    ),"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("spec", nargs="+", type=Path, help="a checkout of the API specification")
    parser.add_argument(
        "--sources", default="", help="where the checkouts come from, for the record"
    )
    arguments = parser.parse_args()
    apis: dict[str, dict] = {}
    for directory in arguments.spec:
        if any(directory.rglob("*Request.ts")):
            merge(apis, read_typescript_spec(directory))
        else:
            merge(apis, read_spec(directory))
    routes = route_apis(apis)
    TARGET.write_text(render(routes, apis, arguments.sources))
    subprocess.run(["ruff", "format", "--quiet", str(TARGET)], check=True)
    print(f"{len(routes)} routes of {len(set(routes.values()))} APIs: {TARGET}")


if __name__ == "__main__":
    main()
