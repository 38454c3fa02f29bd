"""opensearch-py's API, also taking a request body as elasticsearch-py's keyword arguments.

opensearch-py takes a request body whole (``search(body={"query": ...})``); elasticsearch-py 8
and 9 take its fields as keyword arguments (``search(query=...)``), and so does the djangoes core
when it calls a connection's client (test indices, commands, rebuilds). The client classes here
take both: a call with ``body=`` is opensearch-py's own, untouched; in a call without, every
keyword argument the method takes neither as a parameter nor as a URL parameter is a field of
the body, and elasticsearch-py's names for a whole body (``document``, ``operations``,
``searches``...) are the body itself.

A URL parameter given a structure (``sort=[{"year": "desc"}]``, ``_source={"includes": ...}``)
goes to the body, as elasticsearch-py sends it: a URL cannot carry it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from opensearchpy.client.utils import GLOBAL_PARAMS, NamespacedClient

#: elasticsearch-py's keyword arguments that are the whole body (``body_name``), by method; the
#: first entry holds for every method.
WHOLE_BODY: dict[str, tuple[str, ...]] = {
    "*": ("document", "operations", "searches", "search_templates"),
    "put_settings": ("settings",),
}
#: elasticsearch-py's keyword names of body fields that are not Python names.
RENAMED = {"from_": "from", "meta": "_meta"}
#: Keyword arguments opensearch-py's calls take besides their parameters and URL parameters.
CALL_OPTIONS = frozenset(
    {"params", "headers", "ignore", "request_timeout", "timeout", "opaque_id", "http_auth"}
)
#: The defaults a client copy gives every call (``options(ignore_status=404)``).
DEFAULTS = "_djangoes_defaults"


def _names(method: Callable[..., Any]) -> tuple[frozenset[str], frozenset[str]]:
    """(its parameters, its URL parameters): from its signature and its ``query_params``."""
    target = inspect.unwrap(method)
    parameters = frozenset(inspect.signature(target).parameters) - {"self"}
    try:
        nonlocals = inspect.getclosurevars(method).nonlocals
    except (TypeError, ValueError):
        nonlocals = {}
    query = frozenset(nonlocals.get("opensearch_query_params") or ()) | frozenset(GLOBAL_PARAMS)
    return parameters, query


def _structured(value: Any) -> bool:
    """A value no URL parameter can carry: a dict, or a list holding one."""
    if isinstance(value, dict):
        return True
    return isinstance(value, list | tuple) and any(isinstance(v, dict) for v in value)


def body_from_keywords(
    name: str, kwargs: dict[str, Any], parameters: frozenset[str], query: frozenset[str]
) -> None:
    """Move the body's fields of ``kwargs`` (elasticsearch-py's way) into ``kwargs['body']``."""
    if "body" in kwargs or "body" not in parameters:
        return
    for whole in WHOLE_BODY["*"] + WHOLE_BODY.get(name, ()):
        if whole in kwargs and whole not in parameters:
            kwargs["body"] = kwargs.pop(whole)
            return
    fields = {}
    for key in list(kwargs):
        if key in parameters or key in CALL_OPTIONS:
            continue
        if key in query and not _structured(kwargs[key]):
            continue
        fields[RENAMED.get(key, key)] = kwargs.pop(key)
    if fields:
        kwargs["body"] = fields


def taking_keywords(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` taking a body as keyword arguments too, and the client copy's defaults."""
    parameters, query = _names(method)

    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        owner = self.client if isinstance(self, NamespacedClient) else self
        defaults = getattr(owner, DEFAULTS, None)
        if defaults:
            kwargs = {**defaults, **kwargs}
        body_from_keywords(name, kwargs, parameters, query)
        return method(self, *args, **kwargs)

    return call


_KEYWORD_CLASSES: dict[type, type] = {}


def keyword_class(cls: type) -> type:
    """A subclass of ``cls`` (a client or a namespace of one) whose API methods take keywords
    (one per class)."""
    found = _KEYWORD_CLASSES.get(cls)
    if found is not None:
        return found
    methods = {
        name: taking_keywords(name, member)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_") and name not in ("options", "close")
    }
    made = type(cls.__name__, (cls,), {"__module__": __name__, **methods})
    return _KEYWORD_CLASSES.setdefault(cls, made)


def install_namespaces(client: Any) -> None:
    """Give ``client`` its namespaces (``indices``, ``cluster``...) as keyword classes, bound to
    it (a copy made by ``options()`` needs its own, which see its defaults)."""
    for attribute, value in list(vars(client).items()):
        if isinstance(value, NamespacedClient) and attribute != "plugins":
            cls: type = type(value)
            if cls.__module__ == __name__:  # a keyword class already: that of its base
                cls = cls.__mro__[1]
            setattr(client, attribute, keyword_class(cls)(client))
