"""Refusals for Elasticsearch's endpoints that the engine does not serve.

A request to an endpoint Elasticsearch has but the engine lacks must say so: a 400 whose reason
names the API (``[ml.put_job]``), not the ``no handler found`` that Elasticsearch keeps for paths
it does not know either. The endpoints are the table of :mod:`.unsupported_endpoints`; a route the
engine serves always wins over it, the same path and method being dropped from the refusals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NoReturn

from ..cluster import Cluster
from ..errors import Unsupported
from ..http import Request
from .unsupported_endpoints import PARTLY_SERVED, UNSUPPORTED

Route = tuple[str, str, Callable[..., Any]]


def shape(path: str) -> tuple[str, ...]:
    """A path pattern's segments with every ``{part}`` alike: the same shape, the same route."""
    return tuple("{}" if s.startswith("{") else s for s in path.split("/") if s)


def refusals(served: Iterable[Route]) -> list[Route]:
    """A route refusing each unsupported endpoint's methods that no ``served`` route takes."""
    taken = {(m, shape(path)) for methods, path, _ in served for m in methods.split(",")}
    routes: list[Route] = []
    for namespace, apis in UNSUPPORTED.items():
        for api, endpoints in apis.items():
            name = f"{namespace}.{api}" if namespace else api
            for endpoint in endpoints:
                listed, path = endpoint.split(" ")
                methods = [m for m in listed.split(",") if (m, shape(path)) not in taken]
                taken.update((m, shape(path)) for m in methods)
                if methods:
                    routes.append((",".join(methods), path, _refuse(name)))
    return routes


def _refuse(name: str) -> Callable[..., NoReturn]:
    """The handler of an API's unsupported routes; if the engine serves the API in part (as
    ``GET /_nodes`` of nodes.info), the reason names the path as well."""
    partly = name in PARTLY_SERVED

    def refuse(engine: Cluster, request: Request, **parts: str) -> NoReturn:
        where = f" at [{request.path}]" if partly else ""
        raise Unsupported(f"the [{name}] API{where}")

    return refuse
