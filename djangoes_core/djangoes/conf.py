"""``ES_SERVERS`` and ``ES_INDICES``: defaults, validation, and the test names.

Settings are read once, completed with djangoes 0.3's defaults and checked as a whole; any
problem is an ``ImproperlyConfigured`` that names the setting, the alias and the key at fault
(with a "did you mean" for a misspelt key), and never shows a secret from ``PARAMS``. Each is a
:class:`~djangoes.errors.SettingError` with an id; :func:`problems` collects them all for
``manage.py check`` (see :mod:`djangoes.checks`).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings as django_settings

from .errors import SettingError

DEFAULT_ALIAS = "default"
DEFAULT_ENGINE = "http"
DEFAULT_PORT = {"http": 9200, "https": 443}
SERVER_KEYS = ("HOSTS", "ENGINE", "INDICES", "PARAMS", "TEST")
SERVER_TEST_KEYS = ("INDICES",)
INDEX_KEYS = ("NAME", "ALIASES", "SETTINGS", "DOCUMENT", "SOURCE", "REBUILD", "TEST", "TESTS")
INDEX_TEST_KEYS = ("NAME", "ALIASES", "SETTINGS")
SETTINGS_KEYS = ("settings", "mappings", "aliases")
#: The properties of an alias in a create-index body, as Elasticsearch parses them
#: (``Alias.fromXContent``): it ignores any other key, and a value of another type, without a
#: word, so that ``{"is_write": True}`` or ``{"routing": 1}`` would quietly mean nothing.
ALIAS_KEYS = ("filter", "routing", "index_routing", "search_routing", "is_write_index", "is_hidden")
ALIAS_TYPES: dict[str, tuple[type, str]] = {
    "filter": (Mapping, "a dict (a query)"),
    "routing": (str, "a string"),
    "index_routing": (str, "a string"),
    "search_routing": (str, "a string"),
    "is_write_index": (bool, "True or False"),
    "is_hidden": (bool, "True or False"),
}
#: Root keys of a mapping whose value may itself hold ``properties`` (anything else that does
#: is a mapping type, which Elasticsearch 7 removed: ``{"_doc": {"properties": ...}}``).
MAPPING_KEYS_WITH_PROPERTIES = ("properties", "_meta", "runtime")
HOST_KEYS = ("host", "port", "scheme", "path_prefix", "url_prefix", "use_ssl")
#: The suffix of a test index name or alias, as djangoes 0.3 made them.
TEST_SUFFIX = "_test"
#: Elasticsearch's limit on an index name or alias, in UTF-8 bytes.
MAX_NAME_BYTES = 255
_INDEX_NAME_FORBIDDEN = re.compile(r'[\\/*?"<>| ,#:]')
_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")


def where(setting: str, alias: str, *keys: str) -> str:
    """How a message names a place in the settings: ``ES_SERVERS['default']['HOSTS']``."""
    return setting + f"[{alias!r}]" + "".join(f"[{key!r}]" for key in keys)


def did_you_mean(key: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f" (known keys: {', '.join(choices)})"


def check_keys(value: Mapping[str, Any], allowed: tuple[str, ...], place: str) -> None:
    for key in value:
        if key not in allowed:
            raise SettingError(
                "E003", f"{place} has an unknown key {key!r}{did_you_mean(str(key), allowed)}"
            )


def check_type(value: Any, kind: type | tuple[type, ...], place: str, expected: str) -> None:
    if not isinstance(value, kind):
        raise SettingError("E002", f"{place} must be {expected}, not {type(value).__name__}")


def string_list(value: Any, place: str) -> list[str]:
    """A list of strings; a single string is accepted as a list of one."""
    if isinstance(value, str):
        return [value]
    check_type(value, (list, tuple), place, "a list of strings")
    for item in value:
        check_type(item, str, place, "a list of strings")
    return list(value)


# Hosts


def normalize_host(host: Any, place: str) -> str | dict[str, Any]:
    """A host as elasticsearch-py 9 takes it: a full URL, or a dict with scheme and port.

    djangoes 0.3 accepted ``'localhost'``, ``'host:9200'`` and dicts with ``url_prefix`` or
    ``use_ssl``, as elasticsearch-py did then; today's client wants a scheme and a port. What
    the client would silently drop or misread (a query string, a second host after a comma,
    port 0) is refused here.
    """
    if isinstance(host, Mapping):
        return _host_dict(host, place)
    check_type(host, str, place, "a host string, a URL or a dict")
    text = host.strip()
    if not text:
        raise SettingError("E005", f"{place} contains an empty host")
    shown = _USERINFO.sub("", text)
    if "," in text:
        raise SettingError(
            "E005",
            f"{place} has {shown!r}: give each host as an item of the list, not after a comma",
        )
    if any(character.isspace() for character in text):
        raise SettingError("E005", f"{place} has {shown!r}: a host contains no spaces")
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme not in DEFAULT_PORT:
        raise SettingError(
            "E005", f"{place} has a host with the scheme {parts.scheme!r}: use http or https"
        )
    try:
        port = parts.port
    except ValueError:
        raise SettingError("E005", f"{place} has a host with an invalid port") from None
    if port == 0:
        raise SettingError("E005", f"{place} has a host with port 0: use a port from 1 to 65535")
    if not parts.hostname:
        raise SettingError("E005", f"{place} has a host without a host name")
    if parts.query or parts.fragment:
        raise SettingError(
            "E005",
            f"{place} has {_USERINFO.sub('', host.strip())!r}: the client ignores a query "
            "string or a fragment in a host",
        )
    netloc = parts.netloc if port else f"{parts.netloc}:{DEFAULT_PORT[parts.scheme]}"
    return f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}"


def _host_dict(host: Mapping[str, Any], place: str) -> dict[str, Any]:
    check_keys(host, HOST_KEYS, place + " host")
    if "host" not in host:
        raise SettingError("E005", f"{place} has a host dict without a 'host' key")
    check_type(host["host"], str, place + " host", "a host name")
    if not host["host"].strip():
        raise SettingError("E005", f"{place} has a host dict with an empty 'host'")
    scheme = host.get("scheme") or ("https" if host.get("use_ssl") else "http")
    if scheme not in DEFAULT_PORT:
        raise SettingError("E005", f"{place} has a host with the scheme {scheme!r}")
    if "use_ssl" in host and host.get("scheme") and bool(host["use_ssl"]) != (scheme == "https"):
        raise SettingError(
            "E005",
            f"{place} has a host dict with the scheme {scheme!r} and use_ssl="
            f"{host['use_ssl']!r}: keep 'scheme' only",
        )
    port = host.get("port", DEFAULT_PORT[scheme])
    check_type(port, int, place + " port", "an integer")
    if isinstance(port, bool) or not 0 < port < 65536:
        raise SettingError(
            "E005", f"{place} has a host with port {port!r}: use a port from 1 to 65535"
        )
    normalized: dict[str, Any] = {"host": host["host"], "port": port, "scheme": scheme}
    prefixes = {host[key] for key in ("path_prefix", "url_prefix") if host.get(key)}
    if len(prefixes) > 1:
        raise SettingError(
            "E005", f"{place} has a host dict with two prefixes: keep 'path_prefix' only"
        )
    if prefixes:
        normalized["path_prefix"] = prefixes.pop()
    return normalized


# Servers


def server_settings(alias: str, server: Any, indices: Mapping[str, Any]) -> dict[str, Any]:
    """One ``ES_SERVERS`` entry with its defaults, checked."""
    place = where("ES_SERVERS", alias)
    check_type(alias, str, f"ES_SERVERS key {alias!r}", "a string (a connection alias)")
    check_type(server, Mapping, place, "a dict")
    check_keys(server, SERVER_KEYS, place)
    result = dict(server)
    engine = result.setdefault("ENGINE", DEFAULT_ENGINE)
    check_type(engine, str, where("ES_SERVERS", alias, "ENGINE"), "a string")
    hosts = result.get("HOSTS")
    hosts_place = where("ES_SERVERS", alias, "HOSTS")
    if hosts is None:
        hosts = ["localhost"]
    elif isinstance(hosts, str | Mapping | list | tuple) and not hosts:
        # 0.3 read an empty HOSTS as localhost: a list emptied by mistake (an unset
        # environment variable) would quietly reach the wrong server.
        raise SettingError(
            "E013",
            f"{hosts_place} is empty ({hosts!r}): leave HOSTS out for http://localhost:9200",
        )
    if isinstance(hosts, str | Mapping):
        hosts = [hosts]
    check_type(hosts, (list, tuple), hosts_place, "a host, or a list of hosts")
    result["HOSTS"] = [normalize_host(host, hosts_place) for host in hosts]
    for position, host in enumerate(result["HOSTS"]):
        if host in result["HOSTS"][:position]:  # the client refuses a node twice in its pool
            shown = (
                host
                if isinstance(host, str)
                else f"{host['scheme']}://{host['host']}:{host['port']}"
            )
            raise SettingError("E005", f"{hosts_place} lists {_USERINFO.sub('', shown)} twice")
    result["INDICES"] = _server_indices(result.get("INDICES", []), alias, indices, "INDICES")
    params = result.get("PARAMS") or {}
    check_type(params, Mapping, where("ES_SERVERS", alias, "PARAMS"), "a dict")
    result["PARAMS"] = dict(params)
    test = result.get("TEST") or {}
    test_place = where("ES_SERVERS", alias, "TEST")
    check_type(test, Mapping, test_place, "a dict")
    check_keys(test, SERVER_TEST_KEYS, test_place)
    result["TEST"] = dict(test)
    if "INDICES" in test:
        result["TEST"]["INDICES"] = _server_indices(
            test["INDICES"], alias, indices, "TEST", "INDICES"
        )
    return result


def _server_indices(value: Any, alias: str, indices: Mapping[str, Any], *keys: str) -> list[str]:
    place = where("ES_SERVERS", alias, *keys)
    names = string_list(value, place)
    for name in names:
        if name not in indices:
            known = ", ".join(sorted(indices)) or "none"
            raise SettingError(
                "E004",
                f"{place} names the index {name!r}, which ES_INDICES does not define "
                f"(defined: {known})",
            )
    return names


def servers_settings(servers: Any, indices: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """All of ``ES_SERVERS``, or the 0.3 default: one ``default`` connection to localhost."""
    servers = default_servers(servers)
    check_default(servers)
    return {alias: server_settings(alias, server, indices) for alias, server in servers.items()}


def default_servers(servers: Any) -> Mapping[str, Any]:
    if servers is None or servers == {}:
        servers = {DEFAULT_ALIAS: {}}
    check_type(servers, Mapping, "ES_SERVERS", "a dict of connections by alias")
    return servers


def check_default(servers: Mapping[str, Any]) -> None:
    if DEFAULT_ALIAS not in servers:
        raise SettingError(
            "E001",
            f"ES_SERVERS must define a {DEFAULT_ALIAS!r} connection "
            f"(defined: {', '.join(map(str, servers))})",
        )


# Indices


def index_settings(alias: str, index: Any) -> dict[str, Any]:
    """One ``ES_INDICES`` entry with its defaults (``TESTS`` read as ``TEST``), checked."""
    place = where("ES_INDICES", alias)
    check_type(alias, str, f"ES_INDICES key {alias!r}", "a string (an index alias)")
    check_type(index, Mapping, place, "a dict")
    check_keys(index, INDEX_KEYS, place)
    result = dict(index)
    if "TESTS" in result:
        if "TEST" in result:
            raise SettingError("E008", f"{place} has both 'TEST' and 'TESTS': keep 'TEST'")
        result["TEST"] = result.pop("TESTS")
    name = result.setdefault("NAME", alias)
    check_index_name(name, where("ES_INDICES", alias, "NAME"))
    aliases_place = where("ES_INDICES", alias, "ALIASES")
    result["ALIASES"] = string_list(result.get("ALIASES") or [], aliases_place)
    for alias_name in result["ALIASES"]:
        check_alias_name(alias_name, aliases_place)
    result["SETTINGS"] = create_body(result.get("SETTINGS"), where("ES_INDICES", alias, "SETTINGS"))
    if result.get("DOCUMENT") is not None:
        result["SETTINGS"] = document_settings(alias, result)
    if result.get("SOURCE") is not None and not callable(result["SOURCE"]):
        check_type(result["SOURCE"], str, where("ES_INDICES", alias, "SOURCE"), "a dotted path")
    result.setdefault("REBUILD", result.get("SOURCE") is not None)
    check_type(result["REBUILD"], bool, where("ES_INDICES", alias, "REBUILD"), "True or False")
    test = result.get("TEST") or {}
    test_place = where("ES_INDICES", alias, "TEST")
    check_type(test, Mapping, test_place, "a dict")
    check_keys(test, INDEX_TEST_KEYS, test_place)
    result["TEST"] = dict(test)
    return result


def document_settings(alias: str, index: dict[str, Any]) -> dict[str, Any] | None:
    """``SETTINGS`` from ``DOCUMENT``: the create-index body of a djangoes.dsl Document."""
    place = where("ES_INDICES", alias, "DOCUMENT")
    try:
        from .dsl.settings import document_body
    except ImportError as error:  # elasticsearch-py without elasticsearch.dsl
        raise SettingError("E020", f"{place} needs djangoes.dsl: {error}") from None
    body = create_body(document_body(index["DOCUMENT"], alias, place), place)
    if index.get("SETTINGS") is not None and index["SETTINGS"] != body:  # (equal: read again)
        raise SettingError(
            "E019",
            f"{where('ES_INDICES', alias)} has both 'SETTINGS' and 'DOCUMENT': the index is "
            "created from one of them",
        )
    return body


def create_body(value: Any, place: str) -> dict[str, Any] | None:
    """``SETTINGS``: the body that creates the index (``settings``, ``mappings``, ``aliases``),
    in the shape Elasticsearch's create-index API takes."""
    if value is None:
        return None
    check_type(value, Mapping, place, "a dict with 'settings', 'mappings' or 'aliases'")
    check_keys(value, SETTINGS_KEYS, place)
    for key in SETTINGS_KEYS:
        if key in value:
            check_type(value[key], Mapping, f"{place}[{key!r}]", "a dict")
    for key in ("mappings", "aliases"):
        if key in (value.get("settings") or {}):
            raise SettingError(
                "E018",
                f"{place}['settings'] holds {key!r}: it belongs beside 'settings', in {place}",
            )
    for key, mapping in (value.get("mappings") or {}).items():
        if key not in MAPPING_KEYS_WITH_PROPERTIES and _has_properties(mapping):
            raise SettingError(
                "E018",
                f"{place}['mappings'] has the mapping type {key!r}: Elasticsearch 7 removed "
                f"mapping types; put its 'properties' directly in 'mappings'",
            )
    for name, properties in (value.get("aliases") or {}).items():
        check_alias(name, properties, f"{place}['aliases']")
    return dict(value)


def _has_properties(mapping: Any) -> bool:
    return isinstance(mapping, Mapping) and "properties" in mapping


def check_alias(name: Any, properties: Any, place: str) -> None:
    """An alias of a create-index body: its name and its properties."""
    check_alias_name(name, place)
    if properties is None:
        return
    check_type(properties, Mapping, f"{place}[{name!r}]", "a dict of alias properties")
    check_keys(properties, ALIAS_KEYS, f"{place}[{name!r}]")
    for key, (kind, expected) in ALIAS_TYPES.items():
        if properties.get(key) is not None:
            check_type(properties[key], kind, f"{place}[{name!r}][{key!r}]", expected)
    routing = properties.get("index_routing", properties.get("routing"))
    if isinstance(routing, str) and "," in routing:
        raise SettingError(
            "E018",
            f"{place}[{name!r}] has the index routing {routing!r}: Elasticsearch refuses an "
            "alias with several index routing values",
        )


def _check_name(name: str, place: str, verb: str, kind: str) -> None:
    """The rules Elasticsearch has for an index name and an alias alike (its
    ``validateIndexOrAliasName``); only an index name must also be lowercase."""
    if not name or name in (".", "..") or name[0] in "_-+":
        raise SettingError(
            "E006",
            f"{place} {verb} {name!r}: {kind} is not empty, '.' or '..', and does not start "
            "with '_', '-' or '+'",
        )
    if _INDEX_NAME_FORBIDDEN.search(name):
        raise SettingError(
            "E006",
            f'{place} {verb} {name!r}: {kind} may not contain \\ / * ? " < > | , # : or spaces',
        )
    size = len(name.encode())
    if size > MAX_NAME_BYTES:
        raise SettingError(
            "E006",
            f"{place} {verb} {name[:16] + '...'!r}, {size} bytes long: {kind} has at most "
            f"{MAX_NAME_BYTES} bytes (UTF-8)",
        )


def check_index_name(name: Any, place: str) -> None:
    """Refuse a name Elasticsearch would refuse, before any request is made with it."""
    check_type(name, str, place, "a string")
    if not name or name != name.lower() or name[0] in "_-+" or name in (".", ".."):
        raise SettingError(
            "E006",
            f"{place} is {name!r}: an index name is lowercase and does not start with "
            "'_', '-' or '+'",
        )
    _check_name(name, place, "is", "an index name")


def check_alias_name(name: Any, place: str) -> None:
    """An alias follows an index name's rules, but for case: ``Blog-Read`` is a valid alias."""
    check_type(name, str, f"{place} alias {name!r}", "a string")
    _check_name(name, place, "has", "an alias")


def indices_settings(indices: Any) -> dict[str, dict[str, Any]]:
    if indices is None:
        return {}
    check_type(indices, Mapping, "ES_INDICES", "a dict of indices by alias")
    return {alias: index_settings(alias, index) for alias, index in indices.items()}


# Test names


def test_index_settings(alias: str, index: dict[str, Any]) -> dict[str, Any]:
    """The test ``NAME``, ``ALIASES`` and ``SETTINGS`` of an index: the live ones + ``_test``."""
    test = dict(index.get("TEST") or {})
    test.setdefault("NAME", index["NAME"] + TEST_SUFFIX)
    check_index_name(test["NAME"], where("ES_INDICES", alias, "TEST", "NAME"))
    aliases_place = where("ES_INDICES", alias, "TEST", "ALIASES")
    test["ALIASES"] = string_list(
        test.get("ALIASES", [name + TEST_SUFFIX for name in index["ALIASES"]]), aliases_place
    )
    for alias_name in test["ALIASES"]:
        check_alias_name(alias_name, aliases_place)
    if "SETTINGS" in test:
        test["SETTINGS"] = create_body(
            test["SETTINGS"], where("ES_INDICES", alias, "TEST", "SETTINGS")
        )
    elif index.get("SETTINGS"):
        # The live body without its aliases: those are live names; test aliases come from
        # ``ALIASES`` (suffixed), or from an explicit ``TEST['SETTINGS']``.
        body = {k: v for k, v in index["SETTINGS"].items() if k != "aliases"}
        test["SETTINGS"] = body or None
    else:
        test["SETTINGS"] = None
    return test


def live_names(indices: Mapping[str, dict[str, Any]]) -> dict[str, str]:
    """Every live index name and alias, with the setting that declares it."""
    live: dict[str, str] = {}
    for alias, index in indices.items():
        live[index["NAME"]] = where("ES_INDICES", alias, "NAME")
        for name in index["ALIASES"]:
            live[name] = where("ES_INDICES", alias, "ALIASES")
        for name in (index.get("SETTINGS") or {}).get("aliases") or {}:
            live[name] = where("ES_INDICES", alias, "SETTINGS")
    return live


def check_test_names(indices: Mapping[str, dict[str, Any]], suffix: str = "") -> None:
    """No test name or test alias may be a live name or alias: tests must never touch them.

    The one check of it: when the settings are read, and again when test mode starts with a
    ``suffix`` (a parallel worker's), which test names and ``ALIASES`` then end with. Live
    names include the aliases of ``SETTINGS``, which a test index's create body may also hold.
    """
    live = live_names(indices)
    for alias, index in indices.items():
        test = index["TEST"]
        test_aliases = [
            *(name + suffix for name in test["ALIASES"]),
            *((test.get("SETTINGS") or {}).get("aliases") or {}),
        ]
        for key, names in (("NAME", [test["NAME"] + suffix]), ("ALIASES", test_aliases)):
            for name in names:
                if name in live:
                    place = where("ES_INDICES", alias, "TEST", key)
                    if suffix:
                        place += f" with the test suffix {suffix!r}"
                    raise SettingError(
                        "E007",
                        f"{place} uses {name!r}, which is also a live name ({live[name]}): "
                        "test indices must never be live ones",
                    )


# Every problem at once, for ``manage.py check``


def problems(servers: Any, indices: Any) -> list[SettingError]:
    """The mistakes of ``ES_SERVERS`` and ``ES_INDICES``: the first of each entry, by the rules
    above (that raise one at a time when the settings are read)."""
    found: list[SettingError] = []

    def attempt(function: Any, *args: Any) -> Any:
        try:
            return function(*args)
        except SettingError as error:
            found.append(error)
            return None

    if indices is not None and not isinstance(indices, Mapping):
        attempt(check_type, indices, Mapping, "ES_INDICES", "a dict of indices by alias")
        return found
    valid = {}
    for alias, index in (indices or {}).items():
        result = attempt(index_settings, alias, index)
        if result is not None and (test := attempt(test_index_settings, alias, result)):
            valid[alias] = {**result, "TEST": test}
    attempt(check_test_names, valid)
    servers = attempt(default_servers, servers)
    if servers is not None:
        attempt(check_default, servers)
        for alias, server in servers.items():
            attempt(server_settings, alias, server, indices or {})
    return found


# Rebuilds (see djangoes.rebuild)


def rebuilds(index: Mapping[str, Any]) -> bool:
    """Whether an ``ES_INDICES`` entry may be rebuilt: ``REBUILD``, which defaults to whether
    it has a ``SOURCE`` (only rebuilds read one).

    Only then do writes to the index go through the rebuild journal: a rebuild of an index
    whose writers do not journal would lose the writes made during its copy.
    """
    return bool(index.get("REBUILD", index.get("SOURCE") is not None))


#: Seconds: how long a connection trusts what it knows of running rebuilds; how long a write
#: held by a rebuild's final pass waits before it fails; how long a rebuild that stops renewing
#: its lease (its process died) keeps its marker and write block before writes undo it. The
#: lease is shorter than the hold, so that writes held by a rebuild that died go through.
REBUILD_DEFAULTS = {
    "ES_REBUILD_TTL": 1.0,
    "ES_REBUILD_HOLD_TIMEOUT": 30.0,
    "ES_REBUILD_LEASE": 20.0,
}


def rebuild_setting(name: str, value: Any = None) -> float:
    """``ES_REBUILD_TTL``, ``ES_REBUILD_HOLD_TIMEOUT`` or ``ES_REBUILD_LEASE``: a positive
    number of seconds.

    Read from Django's settings when no value is given, if there are settings: connections
    built from a ``ConnectionHandler(servers=...)`` work without them.
    """
    if value is None and django_settings.configured:
        value = getattr(django_settings, name, None)
    if value is None:
        return REBUILD_DEFAULTS[name]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise SettingError("E002", f"{name} must be a positive number of seconds, not {value!r}")
    return float(value)
