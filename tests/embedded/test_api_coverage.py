"""Every API of the stock client reaches a handler: served, or refused by name.

Elasticsearch answers ``no handler found for uri [...] and method [...]`` only for paths it does
not know. The engine must not answer so for an endpoint Elasticsearch has: it serves it, or
refuses it with a 400 naming the API (rest/unsupported.py). These tests call each method of
elasticsearch-py's sync client, with dummy values for what it requires, and sort the answers.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from elasticsearch import ApiError, BadRequestError, Elasticsearch
from elasticsearch._sync.client._base import NamespacedClient

from djangoes_engine.rest.routes import ROUTES
from djangoes_engine.rest.unsupported import refusals, shape

JSON = {"accept": "application/json", "content-type": "application/json"}
REFUSED = re.compile(
    r"^the \[([\w.]+)\] API( at \[\S+\])? is not supported by the djangoes embedded engine$"
)
NO_HANDLER = "no handler found for uri"


#: The client's names for APIs the specification names otherwise (same routes).
SPEC_NAMES = {
    "project_routing.create": "project.create_routing",
    "project_routing.create_many": "project.create_many_routing",
    "project_routing.delete": "project.delete_routing",
    "project_routing.get": "project.get_routing",
    "project_routing.get_many": "project.get_many_routing",
}


def spec_name(endpoint: str) -> str:
    """The API the specification names for the client's ``endpoint``; the per-service inference
    APIs (``inference.put_openai``...) are all ``PUT /_inference/{task_type}/{id}``, inference.put.
    """
    if endpoint.startswith("inference.put_"):
        return "inference.put"
    return SPEC_NAMES.get(endpoint, endpoint)


@dataclass
class Api:
    """One API method of the client, named by its endpoint id (``ml.put_job``)."""

    endpoint: str
    method: Callable[..., Any]


def client_apis(client: Elasticsearch) -> Iterator[Api]:
    """Each API method of the client and of its namespaces (``client.ml``, ...)."""
    owners: list[Any] = [client]
    for name in sorted(dir(client)):
        if not name.startswith("_"):
            value = getattr(client, name)
            if isinstance(value, NamespacedClient):
                owners.append(value)
    for owner in owners:
        for name in sorted(dir(owner)):
            method = getattr(owner, name)
            if name.startswith("_") or not inspect.ismethod(method):
                continue
            found = re.search(r'endpoint_id="([\w.]+)"', inspect.getsource(method))
            if found:
                yield Api(found.group(1), method)


def dummy(annotation: Any) -> Any:
    """A value of a parameter's type: the client checks only that required ones are given."""
    shown = str(annotation)
    if annotation is str or shown.startswith(("typing.Union[str", "str")):
        return "x"
    if annotation is int or shown == "int":
        return 1
    if annotation is bool:
        return True
    if "Sequence" in shown:
        return [{}] if "Mapping" in shown else ["x"]
    if "Mapping" in shown:
        return {}
    return "x"


def call(api: Api) -> Any:
    """Call ``api`` with every parameter it requires; the answer or the error it raised."""
    try:
        hints = typing.get_type_hints(api.method)
    except NameError:  # a type the client imports only for the type checker (esql's)
        hints = dict(api.method.__annotations__)
    signature = inspect.signature(api.method)
    arguments = {
        name: dummy(hints.get(name, str))
        for name, parameter in signature.parameters.items()
        if parameter.default is inspect.Parameter.empty and parameter.kind is parameter.KEYWORD_ONLY
    }
    for _ in range(len(signature.parameters) + 1):
        try:
            return api.method(**arguments)
        except ValueError as error:  # a body parameter the client requires ("Empty value ...")
            missing = re.search(r"parameters? '(\w+)'", str(error))
            if missing is None or missing.group(1) in arguments:
                raise
            name = missing.group(1)
            arguments[name] = dummy(hints.get(name, str))
        except ApiError as error:
            return error
    raise AssertionError(f"{api.endpoint}: the client kept asking for parameters")


@dataclass
class Outcome:
    endpoint: str
    status: int
    message: str


def outcome(api: Api) -> Outcome:
    answer = call(api)
    if isinstance(answer, ApiError):
        body = answer.body
        error = body.get("error") if isinstance(body, dict) else body
        message = error if isinstance(error, str) else (error or {}).get("reason", "")
        return Outcome(api.endpoint, answer.meta.status, str(message))
    if isinstance(answer, bool):  # ping
        return Outcome(api.endpoint, 200 if answer else 400, "")
    return Outcome(api.endpoint, answer.meta.status, "")


def sort(outcomes: list[Outcome]) -> dict[str, list[Outcome]]:
    kinds: dict[str, list[Outcome]] = {
        "served": [],
        "refused": [],
        "no handler": [],
        "405": [],
        "5xx": [],
    }
    for result in outcomes:
        if result.status >= 500:
            kinds["5xx"].append(result)
        elif result.status == 405:
            kinds["405"].append(result)
        elif result.message.startswith(NO_HANDLER):
            kinds["no handler"].append(result)
        elif result.status == 400 and REFUSED.match(result.message):
            kinds["refused"].append(result)
        else:
            kinds["served"].append(result)
    return kinds


@pytest.mark.filterwarnings("ignore::elasticsearch.exceptions.GeneralAvailabilityWarning")
def test_every_client_api_is_served_or_refused_by_name(es: Elasticsearch) -> None:
    apis = list(client_apis(es))
    assert len(apis) > 550  # the whole client, namespaces included
    kinds = sort([outcome(api) for api in apis])
    assert kinds["5xx"] == []
    assert kinds["no handler"] + kinds["405"] == []
    for result in kinds["refused"]:
        named = REFUSED.match(result.message)
        assert named is not None
        assert named.group(1) in {result.endpoint, spec_name(result.endpoint)}, result
    # Most of Elasticsearch's APIs are refused, the engine's own are served.
    assert len(kinds["refused"]) > 400
    assert len(kinds["served"]) > 100
    refused = {result.endpoint for result in kinds["refused"]}
    assert {"ml.put_job", "security.get_user", "esql.query", "license.get"} <= refused
    served = {result.endpoint for result in kinds["served"]}
    assert {"search", "bulk", "indices.create", "cat.indices", "ingest.put_pipeline"} <= served


def refusal(error: ApiError) -> str:
    assert error.meta.status == 400
    assert error.body["status"] == 400
    cause = error.body["error"]
    assert cause["type"] == "illegal_argument_exception"
    assert cause["root_cause"] == [{"type": cause["type"], "reason": cause["reason"]}]
    return str(cause["reason"])


def test_an_unsupported_api_is_refused_by_name(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.ml.put_job(job_id="job", analysis_config={"detectors": []}, data_description={})
    assert refusal(exc.value) == (
        "the [ml.put_job] API is not supported by the djangoes embedded engine"
    )
    with pytest.raises(BadRequestError) as exc:
        any_es.security.get_user()
    assert refusal(exc.value).startswith("the [security.get_user] API is not supported")
    # The body is never read: an ndjson one is refused as well.
    with pytest.raises(BadRequestError) as exc:
        any_es.text_structure.find_structure(text_files=[{"message": "a"}, {"message": "b"}])
    assert refusal(exc.value).startswith("the [text_structure.find_structure] API ")
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request("GET", "/_xpack", headers=JSON)  # not GET /{index}: an API
    assert refusal(exc.value).startswith("the [xpack.info] API is not supported")
    assert any_es.indices.create(index="books")["acknowledged"]
    with pytest.raises(BadRequestError) as exc:
        any_es.field_caps(index="books", fields="*")
    assert refusal(exc.value).startswith("the [field_caps] API is not supported")
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.remove_block(index="books", block="write")  # PUT is served, not DELETE
    assert refusal(exc.value).startswith("the [indices.remove_block] API is not supported")
    assert any_es.indices.add_block(index="books", block="write")["acknowledged"]


def test_a_partly_served_api_names_the_path_it_refuses(any_es: Elasticsearch) -> None:
    assert any_es.nodes.info()["_nodes"]["total"] == 1
    with pytest.raises(BadRequestError) as exc:
        any_es.nodes.info(node_id="_local")
    assert refusal(exc.value) == (
        "the [nodes.info] API at [/_nodes/_local] is not supported by the djangoes embedded engine"
    )
    # Served neighbours of refused endpoints keep working.
    assert any_es.ingest.put_pipeline(id="p", processors=[])["acknowledged"]
    assert list(any_es.ingest.get_pipeline()) == ["p"]
    with pytest.raises(BadRequestError) as exc:
        any_es.ingest.get_geoip_database()
    assert refusal(exc.value).startswith("the [ingest.get_geoip_database] API")
    assert [row["index"] for row in any_es.cat.indices(format="json")] == []


def test_a_path_elasticsearch_does_not_know_has_no_handler(any_es: Elasticsearch) -> None:
    for method, path in [
        ("GET", "/_no_such_api/at/all"),
        ("GET", "/_ml/no_such_thing"),
        ("POST", "/_security/user/someone/_no_such_action"),
        ("GET", "/books/_doc/1/_extra"),
    ]:
        with pytest.raises(BadRequestError) as exc:
            any_es.perform_request(method, path, headers=JSON)
        assert exc.value.body == {
            "error": f"no handler found for uri [{path}] and method [{method}]"
        }


def test_a_served_route_always_wins_over_the_table() -> None:
    def served(engine: Any, request: Any) -> Any:
        return 200, {}

    paths = {(methods, path) for methods, path, _ in refusals([])}
    assert ("GET", "/_xpack") in paths and ("GET", "/_license") in paths
    paths = {
        (m, path)
        for methods, path, _ in refusals([("GET", "/_xpack", served)])
        for m in methods.split(",")
    }
    assert ("GET", "/_xpack") not in paths
    # The same shape under other names is the same route.
    paths = {
        (m, path)
        for methods, path, _ in refusals([("PUT", "/_license/{x}", served)])
        for m in methods.split(",")
    }
    assert ("GET", "/_license") in paths
    taken = {("POST", "/_license"), ("PUT", "/_license")}
    left = {
        (m, p) for ms, p, _ in refusals([("PUT,POST", "/_license", served)]) for m in ms.split(",")
    }
    assert not taken & left and ("GET", "/_license") in left
    # What the engine serves is never in its refusals.
    served_routes = {(m, shape(path)) for methods, path, _ in ROUTES for m in methods.split(",")}
    refused = {
        (m, shape(path)) for methods, path, _ in refusals(ROUTES) for m in methods.split(",")
    }
    assert not served_routes & refused
