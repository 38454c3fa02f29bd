"""The URL parameters each route accepts; the dispatcher refuses the others before the handler.

Elasticsearch refuses a request whose URL has a parameter its API does not read (400
``illegal_argument_exception``, "request [/idx/_search] contains unrecognized parameter: [foo]",
BaseRestHandler) before it runs anything: a misspelled ``refresh`` writes nothing. A route
accepts what :mod:`.api_parameters` (generated from Elasticsearch's API specification) lists
for its API, plus what every API reads (:data:`~djangoes_engine.api.arguments.GLOBAL_PARAMS`)
and what the specification leaves out but Elasticsearch reads all the same:

- every API that takes index options reads all four of them (IndicesOptions.fromRequest), even
  where the specification lists only ``expand_wildcards``;
- every ``_cat`` table reads the response parameters of AbstractCatAction (``ts``, ``pri``...).

A parameter accepted here may still be refused by its handler, by name, when the engine does not
implement it.
"""

from __future__ import annotations

from ..api.arguments import refuse_unknown
from ..api.table import CAT_PARAMS
from ..http import Request
from .api_parameters import API_PARAMETERS as ELASTICSEARCH_API_PARAMETERS
from .api_parameters import ROUTE_APIS as ELASTICSEARCH_ROUTE_APIS
from .opensearch_parameters import OPENSEARCH_API_PARAMETERS, OPENSEARCH_ROUTE_APIS

#: Every served API's parameters: Elasticsearch's (generated), and OpenSearch's own.
ROUTE_APIS = {**ELASTICSEARCH_ROUTE_APIS, **OPENSEARCH_ROUTE_APIS}
API_PARAMETERS = {**ELASTICSEARCH_API_PARAMETERS, **OPENSEARCH_API_PARAMETERS}

#: What IndicesOptions.fromRequest reads: one of them in an API's specification means all four.
INDICES_OPTIONS = frozenset(
    ("expand_wildcards", "ignore_unavailable", "allow_no_indices", "ignore_throttled")
)

#: Parameters Elasticsearch reads that the specification does not list, by API: what the
#: engine's ``_cat`` tables already accepted, each from the handler Elasticsearch runs.
ALSO_READ: dict[str, tuple[str, ...]] = {
    # RestCountAction builds its query from ``q`` (RestActions.urlParamsToQueryBuilder).
    "cat.count": ("q", "df", "analyzer", "analyze_wildcard", "default_operator", "lenient"),
    # RestCatRecoveryAction resolves its indices with IndicesOptions.fromRequest.
    "cat.recovery": tuple(INDICES_OPTIONS),
    # ``?local``: accepted without effect, as where the specification lists it.
    "cat.indices": ("local",),
    "cat.aliases": ("local",),
    # RestClusterGetSettingsAction: RestUtils.consumeDeprecatedLocalParameter.
    "cluster.get_settings": ("local",),
}


def _accepted(api: str) -> frozenset[str]:
    names = set(API_PARAMETERS[api].split()) | set(ALSO_READ.get(api, ()))
    if names & INDICES_OPTIONS:
        names |= INDICES_OPTIONS
    if api.startswith("cat.") and api != "cat.help":  # GET /_cat is no table
        names |= CAT_PARAMS
    return frozenset(names)


_BY_API = {api: _accepted(api) for api in API_PARAMETERS}


def accepted(method: str, path: str) -> frozenset[str] | None:
    """The parameters the route ``method path`` (as rest/routes.py writes it) accepts besides the
    global ones; None for a route of no API of the table (it checks nothing)."""
    api = ROUTE_APIS.get(f"{method} {path}")
    return None if api is None else _BY_API[api]


def check(request: Request, accepts: frozenset[str] | None) -> None:
    """Refuse the request's parameters its route does not accept (None: accept them all)."""
    if accepts is not None:
        refuse_unknown(request, accepts)
