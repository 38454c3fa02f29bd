"""Runner for the YAML REST conformance tests, driven through elasticsearch-py 9.

The tests live outside the repository (``shared/conformance/es-rest-yaml``); their language is
described in that folder's ``DSL.md``, which this module follows. Everything here talks to the
engine only through an ``elasticsearch.Elasticsearch`` client, so the same runner measures the
embedded engine in-process, the engine's HTTP server, or a real Elasticsearch.

Policy choices (the DSL leaves these to the runner):

* **File-level ``requires``** (elasticsearch-clients-tests): the engine aims to serve both the
  stack and the serverless profile, so a file runs when ``stack: true`` *or* ``serverless: true``.
  Files with a ``feature_flag`` are skipped, as elasticsearch-py does.
* **``skip: version``**: the server is treated as newer than every version named in the files
  (they mix OpenSearch 1.x-3.x with legacy Elasticsearch 6.x/7.x numbers). A range with an open
  upper bound (``"7.3.0 - "``) or ``all`` skips; a range with a finite upper bound does not.
* **Warnings** are lenient: checked (exactly, minus ``allowed_warnings``) only when a step lists
  ``warnings``.
* **``is_true`` / ``is_false``** use the Java runner's rule, decided on the value's string form:
  null, false, ``""``, ``0``, ``"false"`` (any case) and ``"0"`` are false-like; ``0.0``, ``[]``
  and ``{}`` are true.
* **Client-side rejections**: a ``TypeError``/``ValueError`` raised by elasticsearch-py itself
  (unknown or missing keyword argument, empty path part) skips the case as "not expressible
  through elasticsearch-py 9", except under ``catch: param``, where it is the expected outcome
  (a 400 from the server is accepted there too).
* **Wipe**: before and after every case, every index the client can list (including hidden and
  closed ones, excluding dot-prefixed system indices) is deleted by name, its aliases first.
  Elasticsearch 8+ refuses wildcard deletes by default, hence the listing.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import json
import math
import os
import re
import traceback
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import elasticsearch
import yaml
from elasticsearch import ApiError, ElasticsearchWarning

# ---------------------------------------------------------------------------------------------
# Sources and loading
# ---------------------------------------------------------------------------------------------

#: id prefix -> (source name, folder relative to the conformance directory)
SOURCES: dict[str, tuple[str, str]] = {
    "CT": ("elasticsearch-clients-tests", "elasticsearch-clients-tests/tests"),
    "OS": ("opensearch", "opensearch/rest-api-spec/src/main/resources/rest-api-spec/test"),
    "OSR": (
        "opensearch",
        "opensearch/modules/reindex/src/yamlRestTest/resources/rest-api-spec/test",
    ),
}

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE_DIR_ENV = "DJANGOES_CONFORMANCE_DIR"


def default_conformance_dir() -> Path:
    """``$DJANGOES_CONFORMANCE_DIR``, else ``<repo>/../shared/conformance/es-rest-yaml``
    (CI clones the repository as ``X/main`` with ``X/shared`` beside it)."""
    raw = os.environ.get(CONFORMANCE_DIR_ENV)
    return Path(raw) if raw else REPO_ROOT.parent / "shared" / "conformance" / "es-rest-yaml"


#: Why the conformance tests skip without their data, and how to give it to them.
MISSING_DATA = (
    f"needs the YAML REST conformance data at {default_conformance_dir()}: put the "
    "shared/conformance/es-rest-yaml folder beside the clone (as <dir>/main and <dir>/shared), "
    f"or set {CONFORMANCE_DIR_ENV}=/path/to/es-rest-yaml; see tests/conformance/README.md"
)


def find_conformance_dir() -> Path | None:
    """The folder with the YAML tests, or None when it is not there."""
    path = default_conformance_dir()
    return path if (path / SOURCES["CT"][1]).is_dir() else None


_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class YamlLoader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver, so ``2016-05-03`` stays a string."""


YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_documents(path: Path) -> list[dict[str, Any]]:
    """All non-empty YAML documents of one test file."""
    with open(path, encoding="utf-8") as fh:
        return [doc for doc in yaml.load_all(fh, Loader=YamlLoader) if doc]


@dataclass(eq=False)
class YamlFile:
    """One test file: its shared sections and its cases, in file order."""

    rel: str  # path relative to the conformance directory (the skip-list key)
    prefix: str  # CT / OS / OSR
    setup: list[dict[str, Any]] = field(default_factory=list)
    teardown: list[dict[str, Any]] = field(default_factory=list)
    requires: dict[str, Any] | None = None
    cases: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)

    @property
    def source(self) -> str:
        return SOURCES[self.prefix][0]

    @property
    def short(self) -> str:
        """Path below the source's test folder, as used in case ids."""
        return self.rel[len(SOURCES[self.prefix][1]) + 1 :]


@dataclass(eq=False)
class Case:
    """One test case: a named list of steps plus its file's setup/teardown."""

    file: YamlFile
    name: str
    steps: list[dict[str, Any]]

    @property
    def id(self) -> str:
        return f"{self.file.prefix}:{self.file.short}::{self.name}"


def load_file(root: Path, rel: str, prefix: str) -> YamlFile:
    """Parse one file into setup, teardown, file-level requires and test cases."""
    yf = YamlFile(rel=rel, prefix=prefix)
    for doc in load_documents(root / rel):
        for key, value in doc.items():
            if key == "setup":
                yf.setup = list(value or [])
            elif key == "teardown":
                yf.teardown = list(value or [])
            elif key == "requires" and isinstance(value, dict):
                yf.requires = value
            else:
                yf.cases.append((str(key), list(value or [])))
    return yf


def discover_files(root: Path) -> list[YamlFile]:
    """Every YAML test file of every source, in a stable order."""
    files = []
    for prefix, (_source, folder) in SOURCES.items():
        base = root / folder
        for path in sorted(base.rglob("*.yml")):
            files.append(load_file(root, path.relative_to(root).as_posix(), prefix))
    return files


def collect_cases(root: Path) -> list[Case]:
    """All test cases under ``root`` (331 for the shared folder: 24 CT + 307 OpenSearch)."""
    return [Case(yf, name, steps) for yf in discover_files(root) for name, steps in yf.cases]


# ---------------------------------------------------------------------------------------------
# Outcomes and internal signals
# ---------------------------------------------------------------------------------------------

Status = Literal["passed", "failed", "skipped"]

CAT_NOT_EXPRESSIBLE = "not expressible through elasticsearch-py 9"
CAT_OWN_VERSION_SKIP = "test's own skip: version range (legacy behaviour)"
CAT_RUNNER_FEATURE = "runner feature not supported"
CAT_REQUIRES = "file-level requires (feature flag / profile)"

RESPONSE_LIMIT = 2000
DETAIL_LIMIT = 3000


@dataclass
class Outcome:
    """Result of one case: status, the first mismatch or skip reason, and the failing response."""

    status: Status
    detail: str = ""
    category: str = ""  # skip category; empty unless skipped
    response: str | None = None  # truncated body of the failing step's response


class CaseSkipped(Exception):
    """Raised inside a case to stop it as skipped."""

    def __init__(self, category: str, reason: str) -> None:
        super().__init__(reason)
        self.category = category
        self.reason = reason


class StepFailed(AssertionError):
    """A step's expectation did not hold; carries the message and the response to report."""

    def __init__(self, message: str, response: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.response = response


class _Undefined:
    """Marker for a path that does not exist in the response."""

    def __repr__(self) -> str:
        return "<absent>"


UNDEFINED: Any = _Undefined()


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"... [{len(text) - limit} more chars]"


def render(value: Any, limit: int = RESPONSE_LIMIT) -> str:
    """Compact JSON-ish rendering of a response or value for reports."""
    if value is UNDEFINED:
        return "<absent>"
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=False, default=repr)
    except (TypeError, ValueError):
        text = repr(value)
    return truncate(text, limit)


# ---------------------------------------------------------------------------------------------
# Stash and paths
# ---------------------------------------------------------------------------------------------

_WHOLE_REF = re.compile(r"^\$(?:\{(\w+)\}|(\w+))$")
_INNER_REF = re.compile(r"\$\{(\w+)\}")


def _stash_get(stash: Mapping[str, Any], response: Any, name: str) -> Any:
    if name in stash:
        return stash[name]
    if name == "body":
        return response
    raise StepFailed(f"stash has no value for ${name}")


def _stringify(value: Any) -> str:
    """String form of a stashed value spliced into a larger string (Java toString style)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def resolve(value: Any, stash: Mapping[str, Any], response: Any = UNDEFINED) -> Any:
    """Replace ``$name`` (whole value, type kept) and ``${name}`` (inside strings), recursively."""
    if isinstance(value, str):
        whole = _WHOLE_REF.match(value)
        if whole:
            return _stash_get(stash, response, whole[1] or whole[2])
        if "${" in value:
            return _INNER_REF.sub(lambda m: _stringify(_stash_get(stash, response, m[1])), value)
        return value
    if isinstance(value, dict):
        return {resolve(k, stash, response): resolve(v, stash, response) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, stash, response) for v in value]
    return value


def split_path(path: str) -> list[str]:
    """Split a dotted path on unescaped dots; ``''`` and ``$body`` are the whole response."""
    if path in ("", "$body"):
        return []
    segments = [seg.replace("\\.", ".") for seg in re.split(r"(?<!\\)\.", path)]
    if segments and segments[0] == "$body":
        segments = segments[1:]
    return segments


def lookup(response: Any, path: str, stash: Mapping[str, Any] | None = None) -> Any:
    """Value at ``path`` in ``response``, or ``UNDEFINED``; segments may be stash references."""
    current = response
    for raw in split_path(str(path)):
        segment = resolve(raw, stash or {}, response)
        if isinstance(current, list):
            if not (isinstance(segment, int) or str(segment).isdigit()):
                return UNDEFINED
            index = int(segment)
            if index >= len(current):
                return UNDEFINED
            current = current[index]
        elif isinstance(current, dict):
            key = segment if isinstance(segment, str) else _stringify(segment)
            if key not in current:
                return UNDEFINED
            current = current[key]
        else:
            return UNDEFINED
    return current


# ---------------------------------------------------------------------------------------------
# Comparisons
# ---------------------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def numbers_equal(expected: int | float, actual: int | float) -> bool:
    """Ints compare exactly; as soon as one side is a float both compare as IEEE doubles."""
    if isinstance(expected, int) and isinstance(actual, int):
        return expected == actual
    try:
        return float(expected) == float(actual)
    except OverflowError:
        return False


def value_diff(expected: Any, actual: Any, where: str = "") -> str | None:
    """First difference between ``expected`` and ``actual`` (deep), or None when equal.

    Maps need the same key set, lists the same length; strings and numbers never coerce.
    """
    at = f" at {where}" if where else ""
    if isinstance(expected, bool) or isinstance(actual, bool):
        if type(expected) is type(actual) and expected == actual:
            return None
        return f"expected {render(expected, 200)}{at}, got {render(actual, 200)}"
    if _is_number(expected) and _is_number(actual):
        if numbers_equal(expected, actual):
            return None
        return f"expected {expected!r}{at}, got {actual!r}"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"expected a map{at}, got {render(actual, 200)}"
        missing = [k for k in expected if k not in actual]
        extra = [k for k in actual if k not in expected]
        if missing or extra:
            return f"keys differ{at}: missing {missing}, unexpected {extra}"
        for key, sub in expected.items():
            diff = value_diff(sub, actual[key], f"{where}.{key}" if where else str(key))
            if diff:
                return diff
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"expected a list{at}, got {render(actual, 200)}"
        if len(expected) != len(actual):
            return f"expected {len(expected)} elements{at}, got {len(actual)}"
        for i, (sub_e, sub_a) in enumerate(zip(expected, actual, strict=True)):
            diff = value_diff(sub_e, sub_a, f"{where}.{i}" if where else str(i))
            if diff:
                return diff
        return None
    if type(expected) is type(actual) and expected == actual:
        return None
    return f"expected {render(expected, 200)}{at}, got {render(actual, 200)}"


def is_regex(expected: Any) -> bool:
    """A string that, trimmed, is longer than 2 characters and is wrapped in slashes."""
    if not isinstance(expected, str):
        return False
    text = expected.strip()
    return len(text) > 2 and text.startswith("/") and text.endswith("/")


def match_mismatch(actual: Any, expected: Any) -> str | None:
    """Why ``actual`` fails a ``match`` against ``expected``, or None when it matches.

    Regexes use verbose + multiline mode (unescaped whitespace ignored) and ``re.search``;
    ``null`` matches null or absent; everything else is deep equality (``value_diff``).
    """
    if is_regex(expected):
        pattern = expected.strip()[1:-1]
        if not isinstance(actual, str):
            return f"expected a string matching {expected.strip()}, got {render(actual, 200)}"
        if re.search(pattern, actual, re.VERBOSE | re.MULTILINE) is None:
            return f"{render(actual, 300)} does not match {expected.strip()}"
        return None
    if expected is None:
        if actual is None or actual is UNDEFINED:
            return None
        return f"expected null, got {render(actual, 200)}"
    if actual is UNDEFINED:
        return f"expected {render(expected, 200)}, but the path is absent"
    return value_diff(expected, actual)


def is_false_like(value: Any) -> bool:
    """Java runner rule: absent, null, false, "", 0, "false" (any case) or "0"."""
    if value is UNDEFINED or value is None:
        return True
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value == 0
    if isinstance(value, str):
        return value in ("", "0") or value.lower() == "false"
    return False


_COMPARATORS = {
    "gt": (lambda a, e: a > e, ">"),
    "gte": (lambda a, e: a >= e, ">="),
    "lt": (lambda a, e: a < e, "<"),
    "lte": (lambda a, e: a <= e, "<="),
}


def compare_mismatch(kind: str, actual: Any, expected: Any) -> str | None:
    """Why ``actual <op> expected`` does not hold for gt/gte/lt/lte, or None when it does."""
    check, symbol = _COMPARATORS[kind]
    comparable = (_is_number(actual) and _is_number(expected)) or (
        isinstance(actual, str) and isinstance(expected, str)
    )
    if not comparable:
        return f"cannot compare {render(actual, 200)} {symbol} {render(expected, 200)}"
    if not check(actual, expected):
        return f"expected {symbol} {expected!r}, got {actual!r}"
    return None


def length_of(value: Any) -> int | None:
    return len(value) if isinstance(value, list | dict | str) else None


# ---------------------------------------------------------------------------------------------
# Skips
# ---------------------------------------------------------------------------------------------

#: Runner capabilities a ``skip: features`` may require (node_selector needs several nodes).
SUPPORTED_FEATURES = frozenset(
    {
        "gtelte",
        "stash_in_path",
        "headers",
        "warnings",
        "allowed_warnings",
        "catch_unauthorized",
        "default_shards",
        "contains",
    }
)


def version_range_skips(spec: str) -> bool:
    """Whether ``skip: version`` applies to an engine newer than every version in the files.

    ``all`` and any range with an open upper bound (``"7.3.0 - "``) skip: they guard legacy
    behaviour. Ranges with a finite upper bound (``" - 6.99.99"``) guard later features: run.
    """
    spec = str(spec).strip()
    if spec.lower() == "all":
        return True
    return any("-" in part and not part.split("-", 1)[1].strip() for part in spec.split(","))


def skip_decision(skip: Mapping[str, Any]) -> tuple[str, str] | None:
    """(category, reason) when a ``skip`` step applies, else None."""
    features = skip.get("features") or []
    if isinstance(features, str):
        features = [features]
    missing = [f for f in features if f not in SUPPORTED_FEATURES]
    if missing:
        return CAT_RUNNER_FEATURE, f"skip: features {missing} not supported by this runner"
    unknown = sorted(set(skip) - {"version", "reason", "features"})
    if unknown:
        return CAT_RUNNER_FEATURE, f"skip conditions {unknown} not supported by this runner"
    version = skip.get("version")
    if version is not None and version_range_skips(version):
        return CAT_OWN_VERSION_SKIP, f"skip: version {version!r}: {skip.get('reason', '')}"
    return None


def requires_decision(requires: Mapping[str, Any] | None) -> str | None:
    """Reason to skip a clients-tests file for its file-level ``requires``, else None."""
    if not requires:
        return None
    if requires.get("feature_flag"):
        return f"requires feature flag {requires['feature_flag']!r}"
    if not (requires.get("stack") or requires.get("serverless")):
        return "requires neither the stack nor the serverless profile"
    return None


def leading_skips(steps: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The ``skip`` steps at the start of a step list (where the DSL puts them)."""
    found = []
    for step in steps:
        if "skip" not in step:
            break
        found.append(step["skip"] or {})
    return found


def static_skip(
    case: Case, skiplist: Mapping[tuple[str, str], tuple[str, str]]
) -> tuple[str, str] | None:
    """(category, reason) when a case is skipped without contacting the engine."""
    for key in ((case.file.rel, case.name), (case.file.rel, "*")):
        if key in skiplist:
            return skiplist[key]
    reason = requires_decision(case.file.requires)
    if reason:
        return CAT_REQUIRES, reason
    for skip in leading_skips(case.file.setup) + leading_skips(case.steps):
        decision = skip_decision(skip)
        if decision:
            return decision
    return None


# ---------------------------------------------------------------------------------------------
# The `do` step: parameter translation
# ---------------------------------------------------------------------------------------------

PARAM_RENAMES = {"from": "from_"}
TRANSPORT_OPTIONS = {"ignore": "ignore_status", "request_timeout": "request_timeout"}
DO_KEYS = ("catch", "headers", "warnings", "allowed_warnings", "node_selector")
#: ``do`` modifiers of the DSL this runner does not implement (none occur in the shared files).
UNSUPPORTED_DO_KEYS = ("warnings_regex", "allowed_warnings_regex")


@dataclass
class Call:
    """A client call: API name, keyword arguments and ``client.options(...)``."""

    api: str
    kwargs: dict[str, Any]
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class DoStep:
    """A parsed ``do`` step."""

    api: str
    params: dict[str, Any]
    catch: str | None = None
    headers: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    allowed_warnings: list[str] = field(default_factory=list)
    node_selector: Any = None
    expects_warnings: bool = False


def parse_do(spec: Mapping[str, Any]) -> DoStep:
    """Split a ``do`` mapping into the API call and its modifiers."""
    unsupported = [k for k in spec if k in UNSUPPORTED_DO_KEYS]
    if unsupported:
        raise CaseSkipped(CAT_RUNNER_FEATURE, f"do modifiers {unsupported} not supported")
    apis = [k for k in spec if k not in DO_KEYS]
    if len(apis) != 1:
        raise StepFailed(f"a do step needs exactly one API, got {apis}")
    api = apis[0]
    return DoStep(
        api=api,
        params=dict(spec[api] or {}),
        catch=spec.get("catch"),
        headers=spec.get("headers"),
        warnings=list(spec.get("warnings") or []),
        allowed_warnings=list(spec.get("allowed_warnings") or []),
        node_selector=spec.get("node_selector"),
        expects_warnings="warnings" in spec,
    )


def translate_body(body: Any) -> Any:
    """A string body that is one JSON value is parsed; NDJSON strings and others pass through."""
    if isinstance(body, str):
        try:
            return json.loads(body)
        except ValueError:
            return body
    return body


def translate_params(
    api: str,
    params: Mapping[str, Any],
    headers: Mapping[str, Any] | None = None,
    accepted: Iterable[str] | None = None,
) -> Call:
    """Turn YAML parameters into client keyword arguments and transport options.

    ``from`` becomes ``from_``; ``ignore`` / ``request_timeout`` / ``headers`` become
    ``client.options(...)``; string bodies are parsed when they are one JSON value. When
    ``accepted`` (the method's parameter names) is given, ``_source*`` params become
    ``source*`` where the method has them: elasticsearch-py aliases them the same way, but only
    after merging body fields, so a ``_source`` given next to a ``body`` would be dropped.
    """
    names = set(accepted) if accepted is not None else None
    kwargs: dict[str, Any] = {}
    options: dict[str, Any] = {}
    for key, value in params.items():
        if key in TRANSPORT_OPTIONS:
            options[TRANSPORT_OPTIONS[key]] = value
            continue
        if key == "body":
            kwargs["body"] = translate_body(value)
            continue
        name = PARAM_RENAMES.get(key, key)
        if names is not None and name.startswith("_") and name not in names and name[1:] in names:
            name = name[1:]
        kwargs[name] = value
    if headers:
        options["headers"] = {str(k): str(v) for k, v in headers.items()}
    return Call(api, kwargs, options)


def api_method(client: Any, api: str) -> Any:
    """``indices.create`` -> ``client.indices.create``."""
    target = client
    for part in api.split("."):
        if not hasattr(target, part):
            raise CaseSkipped(CAT_NOT_EXPRESSIBLE, f"elasticsearch-py 9 has no API {api!r}")
        target = getattr(target, part)
    return target


def accepted_params(method: Any) -> set[str] | None:
    """Keyword names the client method accepts (None when it cannot be introspected)."""
    try:
        return set(inspect.signature(method).parameters)
    except (TypeError, ValueError):
        return None


_ES_PACKAGE_DIR = str(Path(elasticsearch.__file__).resolve().parent)


_CLIENT_REJECTION = re.compile(
    r"unexpected keyword argument|required keyword-only argument|Empty value passed for "
    r"|Received multiple values for|Couldn't merge 'body'|Can't use '\w+' and 'body'"
)


def raised_by_client(exc: BaseException) -> bool:
    """Whether ``exc`` is elasticsearch-py rejecting the arguments before sending anything.

    Both the message and the innermost frame (inside the elasticsearch package) must say so,
    so that a TypeError from the engine or the transport is never mistaken for one.
    """
    if not _CLIENT_REJECTION.search(str(exc)):
        return False
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and str(Path(frames[-1].filename).resolve()).startswith(_ES_PACKAGE_DIR)


_DUPLICATE = re.compile(r"Received multiple values for '(\w+)'")


def _body_key(kwarg: str, body: Mapping[str, Any]) -> str | None:
    for candidate in (kwarg, "_" + kwarg, kwarg.rstrip("_")):
        if candidate in body:
            return candidate
    return None


def invoke(client: Any, call: Call) -> Any:
    """Call the API; a parameter also present in the body is dropped when both values are equal
    (as elasticsearch-py's runner does) and makes the case not expressible otherwise."""
    target = client.options(**call.options) if call.options else client
    method = api_method(target, call.api)
    dropped: set[str] = set()
    while True:
        kwargs = {k: copy.deepcopy(v) for k, v in call.kwargs.items() if k not in dropped}
        try:
            return method(**kwargs)
        except ValueError as exc:
            found = _DUPLICATE.search(str(exc))
            body = call.kwargs.get("body")
            if not found or not isinstance(body, dict) or found[1] in dropped:
                raise
            key = found[1]
            body_key = _body_key(key, body)
            given = call.kwargs.get(key, UNDEFINED)
            if body_key is not None and value_diff(body[body_key], given) is None:
                dropped.add(key)
                continue
            raise CaseSkipped(
                CAT_NOT_EXPRESSIBLE,
                f"{call.api}: {key!r} given as a parameter and in the body with different values",
            ) from exc


# ---------------------------------------------------------------------------------------------
# catch
# ---------------------------------------------------------------------------------------------

CATCH_STATUS = {
    "bad_request": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "missing": 404,
    "request_timeout": 408,
    "conflict": 409,
    "unavailable": 503,
}
_NOT_REQUEST = {400, 401, 403, 404, 408, 409}


def java_string(value: Any) -> str:
    """Java ``toString`` style rendering (``{type=x, reason=y}``) with raw, unescaped strings."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={java_string(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(java_string(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def error_texts(body: Any) -> list[str]:
    """Texts a regex ``catch`` is searched in: Java-style and JSON renderings of the body."""
    if isinstance(body, str | bytes):
        return [body.decode("utf-8", "replace") if isinstance(body, bytes) else body]
    return [java_string(body), json.dumps(body, ensure_ascii=False, default=repr)]


def catch_mismatch(catch: str, status: int, body: Any) -> str | None:
    """Why an HTTP error does not satisfy ``catch``, or None when it does."""
    if catch in CATCH_STATUS:
        wanted = CATCH_STATUS[catch]
        return None if status == wanted else f"expected HTTP {wanted} ({catch}), got {status}"
    if catch == "request":
        if status >= 400 and status not in _NOT_REQUEST:
            return None
        return f"expected an HTTP error other than {sorted(_NOT_REQUEST)} (request), got {status}"
    if catch == "param":
        return None if status == 400 else f"expected a client-side rejection or 400, got {status}"
    if is_regex(catch):
        pattern = catch.strip()[1:-1]
        if status >= 400 and any(re.search(pattern, t) for t in error_texts(body)):
            return None
        return f"HTTP {status} error does not match {catch.strip()}"
    return f"unknown catch value {catch!r}"


# ---------------------------------------------------------------------------------------------
# Running a case
# ---------------------------------------------------------------------------------------------


def describe(step: Mapping[str, Any]) -> str:
    """One-line rendering of a step for failure messages."""
    return truncate(render(step, 10_000), 400)


class CaseRun:
    """State of one case (last response and stash) and the step implementations."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.response: Any = UNDEFINED
        self.stash: dict[str, Any] = {}

    # -- helpers ---------------------------------------------------------------------------

    def resolve(self, value: Any) -> Any:
        return resolve(value, self.stash, self.response)

    def value_at(self, path: Any) -> Any:
        return lookup(self.response, "" if path is None else str(path), self.stash)

    def fail(self, message: str) -> StepFailed:
        return StepFailed(message, self.response)

    # -- steps -----------------------------------------------------------------------------

    def run_steps(self, steps: list[dict[str, Any]], section: str) -> None:
        """Run steps in order; failures and unexpected errors name the section and step."""
        for number, step in enumerate(steps, 1):
            where = f"{section} step {number} {describe(step)}"
            try:
                self.run_step(step)
            except StepFailed as failure:
                failure.message = f"{where}: {failure.message}"
                raise
            except CaseSkipped:
                raise
            except Exception as exc:
                raise StepFailed(f"{where}: {unexpected_error(exc)}", UNDEFINED) from exc

    def run_step(self, step: Mapping[str, Any]) -> None:
        if len(step) != 1:
            raise StepFailed(f"a step must have exactly one key, got {list(step)}")
        kind, arg = next(iter(step.items()))
        handler = getattr(self, f"step_{kind}", None)
        if handler is None:
            raise CaseSkipped(CAT_RUNNER_FEATURE, f"step {kind!r} not supported by this runner")
        handler(arg)

    def step_skip(self, arg: Mapping[str, Any]) -> None:
        decision = skip_decision(arg or {})
        if decision:
            raise CaseSkipped(*decision)

    def step_do(self, arg: Mapping[str, Any]) -> None:
        do = parse_do(arg)
        if do.node_selector is not None:
            raise CaseSkipped(CAT_RUNNER_FEATURE, "node_selector needs a multi-node cluster")
        params = self.resolve(do.params)
        headers = self.resolve(do.headers) if do.headers else None
        method = api_method(self.client, do.api)
        call = translate_params(do.api, params, headers, accepted_params(method))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self._call(call, do)
        if do.expects_warnings:
            self._check_warnings(do, caught)

    def _call(self, call: Call, do: DoStep) -> None:
        try:
            result = invoke(self.client, call)
        except ApiError as exc:
            self.response = exc.body
            if do.catch is None:
                raise self.fail(
                    f"unexpected {type(exc).__name__} (HTTP {exc.meta.status}): "
                    f"{render(exc.body, 500)}"
                ) from exc
            problem = catch_mismatch(str(do.catch), exc.meta.status, exc.body)
            if problem:
                raise self.fail(problem) from exc
            return
        except (TypeError, ValueError) as exc:
            if not raised_by_client(exc):
                raise
            if do.catch == "param":
                self.response = None
                return
            raise CaseSkipped(CAT_NOT_EXPRESSIBLE, f"{call.api}: {exc}") from exc
        self.response = getattr(result, "body", result)
        if do.catch is not None:
            raise self.fail(f"expected an error (catch: {do.catch}) but the call succeeded")

    def _check_warnings(self, do: DoStep, caught: list[warnings.WarningMessage]) -> None:
        seen = [
            str(w.message)
            for w in caught
            if issubclass(w.category, ElasticsearchWarning)
            and str(w.message) not in do.allowed_warnings
        ]
        expected = [str(w) for w in self.resolve(do.warnings)]
        if sorted(seen) != sorted(expected):
            raise self.fail(f"expected warnings {expected}, got {seen}")

    def step_set(self, arg: Mapping[str, Any]) -> None:
        for path, name in arg.items():
            value = self.value_at(path)
            if value is UNDEFINED:
                raise self.fail(f"cannot set ${name}: path {path!r} is absent")
            self.stash[str(name)] = value

    def step_match(self, arg: Mapping[str, Any]) -> None:
        for path, expected in arg.items():
            problem = match_mismatch(self.value_at(path), self.resolve(expected))
            if problem:
                raise self.fail(f"match {path!r}: {problem}")

    def step_length(self, arg: Mapping[str, Any]) -> None:
        for path, expected in arg.items():
            value = self.value_at(path)
            size = length_of(value)
            wanted = self.resolve(expected)
            if size is None:
                raise self.fail(f"length {path!r}: no length for {render(value, 200)}")
            if size != wanted:
                raise self.fail(f"length {path!r}: expected {wanted}, got {size}")

    def step_is_true(self, path: Any) -> None:
        value = self.value_at(path)
        if is_false_like(value):
            raise self.fail(f"is_true {path!r}: got {render(value, 200)}")

    def step_is_false(self, path: Any) -> None:
        value = self.value_at(path)
        if not is_false_like(value):
            raise self.fail(f"is_false {path!r}: got {render(value, 200)}")

    def _compare(self, kind: str, arg: Mapping[str, Any]) -> None:
        for path, expected in arg.items():
            problem = compare_mismatch(kind, self.value_at(path), self.resolve(expected))
            if problem:
                raise self.fail(f"{kind} {path!r}: {problem}")

    def step_gt(self, arg: Mapping[str, Any]) -> None:
        self._compare("gt", arg)

    def step_gte(self, arg: Mapping[str, Any]) -> None:
        self._compare("gte", arg)

    def step_lt(self, arg: Mapping[str, Any]) -> None:
        self._compare("lt", arg)

    def step_lte(self, arg: Mapping[str, Any]) -> None:
        self._compare("lte", arg)

    def step_contains(self, arg: Mapping[str, Any]) -> None:
        for path, expected in arg.items():
            value, wanted = self.value_at(path), self.resolve(expected)
            if isinstance(value, str) and isinstance(wanted, str):
                ok = wanted in value
            else:
                ok = isinstance(value, list) and any(value_diff(wanted, v) is None for v in value)
            if not ok:
                raise self.fail(
                    f"contains {path!r}: {render(wanted, 200)} not in {render(value, 300)}"
                )

    def step_close_to(self, arg: Mapping[str, Any]) -> None:
        for path, spec in arg.items():
            value, spec = self.value_at(path), self.resolve(spec)
            target, error = spec["value"], spec["error"]
            if not _is_number(value) or not math.isclose(value, target, rel_tol=0, abs_tol=error):
                raise self.fail(f"close_to {path!r}: expected {target}±{error}, got {value!r}")

    def step_exists(self, path: Any) -> None:
        if self.value_at(path) is UNDEFINED:
            raise self.fail(f"exists {path!r}: path is absent")


# ---------------------------------------------------------------------------------------------
# Wipe
# ---------------------------------------------------------------------------------------------


class WipeError(RuntimeError):
    """The engine could not be returned to an empty state."""


def list_indices(client: Any) -> dict[str, Any]:
    """Every index (hidden and closed included) with its info, keyed by name."""
    resp = client.options(ignore_status=404).indices.get(index="*", expand_wildcards="all")
    body = getattr(resp, "body", resp)
    return body if isinstance(body, dict) and "error" not in body else {}


def wipe(client: Any) -> None:
    """Delete, by name, every non-system index and its aliases, then check nothing is left."""
    try:
        indices = {n: i for n, i in list_indices(client).items() if not n.startswith(".")}
        quiet = client.options(ignore_status=404)
        for name, info in indices.items():
            for alias in (info or {}).get("aliases") or {}:
                quiet.indices.delete_alias(index=name, name=alias)
            quiet.indices.delete(index=name)
        left = [n for n in list_indices(client) if not n.startswith(".")]
    except Exception as exc:
        raise WipeError(f"{type(exc).__name__}: {truncate(str(exc), 500)}") from exc
    if left:
        raise WipeError(f"indices still present after deleting them: {left}")


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def _failure_outcome(detail: str, response: Any) -> Outcome:
    return Outcome(
        "failed",
        truncate(detail, DETAIL_LIMIT),
        response=None if response is UNDEFINED else render(response),
    )


def unexpected_error(exc: BaseException) -> str:
    """An exception no step anticipated (engine crash, transport error...), with its tail."""
    tb = "".join(traceback.format_exception(exc)[-6:])
    return f"unexpected {type(exc).__name__}: {truncate(str(exc), 500)}\n{tb}"


def _unexpected(section: str, exc: BaseException) -> Outcome:
    return _failure_outcome(f"{section}: {unexpected_error(exc)}", UNDEFINED)


def run_case(
    client: Any,
    case: Case,
    skiplist: Mapping[tuple[str, str], tuple[str, str]] | None = None,
) -> Outcome:
    """Run one case: wipe, setup, steps, teardown (errors ignored), wipe.

    Returns passed, failed (first mismatch: section, step number, the step, expected vs
    actual or the unexpected error with its body) or skipped (category and reason).
    """
    decision = static_skip(case, skiplist or {})
    if decision:
        return Outcome("skipped", decision[1], category=decision[0])
    try:
        wipe(client)
    except WipeError as exc:
        return _failure_outcome(f"wipe before the case failed: {exc}", UNDEFINED)
    run = CaseRun(client)
    try:
        return _run_sections(run, case)
    finally:
        _teardown(run, case)


def _run_sections(run: CaseRun, case: Case) -> Outcome:
    """Setup then the case's steps; the first failing step decides the outcome."""
    section = "setup"
    try:
        run.run_steps(case.file.setup, "setup")
        section = "test"
        run.run_steps(case.steps, "test")
    except CaseSkipped as skip:
        return Outcome("skipped", f"{section}: {skip.reason}", category=skip.category)
    except StepFailed as failure:
        return _failure_outcome(failure.message, failure.response)
    except Exception as exc:
        return _unexpected(section, exc)
    return Outcome("passed")


def _teardown(run: CaseRun, case: Case) -> None:
    """Teardown steps then a wipe; errors are ignored (the next case's wipe reports leftovers)."""
    with contextlib.suppress(Exception):
        run.run_steps(case.file.teardown, "teardown")
    with contextlib.suppress(WipeError):
        wipe(run.client)
