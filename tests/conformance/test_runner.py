"""Unit tests of the conformance runner's own logic; no engine or server needed.

They exercise the real functions of ``runner.py`` on real data: the shared YAML files where
they matter (skipped when the folder is absent) and a real ``elasticsearch.Elasticsearch``
client for parameter checks that the client performs before sending anything.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from elasticsearch import Elasticsearch

from .runner import (
    CAT_NOT_EXPRESSIBLE,
    CAT_OWN_VERSION_SKIP,
    CAT_REQUIRES,
    CAT_RUNNER_FEATURE,
    MISSING_DATA,
    UNDEFINED,
    Call,
    Case,
    CaseRun,
    CaseSkipped,
    StepFailed,
    YamlFile,
    YamlLoader,
    accepted_params,
    catch_mismatch,
    collect_cases,
    compare_mismatch,
    find_conformance_dir,
    invoke,
    is_false_like,
    lookup,
    match_mismatch,
    parse_do,
    raised_by_client,
    requires_decision,
    resolve,
    skip_decision,
    split_path,
    static_skip,
    translate_params,
    version_range_skips,
)
from .skips import SKIPS

ROOT = find_conformance_dir()
needs_data = pytest.mark.skipif(ROOT is None, reason=MISSING_DATA)

CT = "elasticsearch-clients-tests/tests/"
OS = "opensearch/rest-api-spec/src/main/resources/rest-api-spec/test/"
OSR = "opensearch/modules/reindex/src/yamlRestTest/resources/rest-api-spec/test/"


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    assert ROOT is not None
    return collect_cases(ROOT)


@pytest.fixture(scope="module")
def by_id(cases: list[Case]) -> dict[str, Case]:
    return {case.id: case for case in cases}


@pytest.fixture(scope="module")
def client() -> Elasticsearch:
    """A real client aimed at a closed port: only client-side behaviour is exercised."""
    return Elasticsearch("http://127.0.0.1:1", max_retries=0, request_timeout=2)


def first_do(case: Case, api: str) -> dict[str, Any]:
    """The first ``do`` step of ``case`` calling ``api``."""
    for step in case.steps:
        if "do" in step and api in step["do"]:
            return step["do"]
    raise LookupError(api)


# --- loading ----------------------------------------------------------------------------------


def test_loader_keeps_dates_as_strings() -> None:
    doc = yaml.load("date: 2016-05-03\nwhen: 2016-05-03T10:00:00Z\nn: 1", Loader=YamlLoader)
    assert doc == {"date": "2016-05-03", "when": "2016-05-03T10:00:00Z", "n": 1}
    assert yaml.load("d: 2016-05-03", Loader=yaml.SafeLoader)["d"] != "2016-05-03"


@needs_data
def test_real_file_dates_and_big_ints_load_as_expected(by_id: dict[str, Case]) -> None:
    date_test = by_id["OS:search.aggregation/20_terms.yml::Date test"]
    assert first_do(date_test, "index")["index"]["body"] == {"date": "2016-05-03"}
    sort_test = by_id["OS:search/260_sort_long.yml::test sorting against long only fields"]
    match = next(
        step["match"]
        for step in sort_test.steps
        if "match" in step and "hits.hits.0._source.field" in step["match"]
    )
    assert match["hits.hits.0._source.field"] == [9223372036854775807, 1]
    get_test = by_id["OS:get/80_missing.yml::Missing document with catch"]
    assert first_do(get_test, "get")["get"]["id"] == 1  # an int, stringified by the client


@needs_data
def test_case_count_is_331(cases: list[Case]) -> None:
    per_source = {"elasticsearch-clients-tests": 0, "opensearch": 0}
    for case in cases:
        per_source[case.file.source] += 1
    assert len(cases) == 331
    assert per_source == {"elasticsearch-clients-tests": 24, "opensearch": 307}
    assert len({case.id for case in cases}) == 331


@needs_data
def test_case_ids_and_sections(by_id: dict[str, Case]) -> None:
    case = by_id["CT:bulk/10_basic.yml::Basic bulk operation"]
    assert case.file.rel == CT + "bulk/10_basic.yml"
    assert case.file.requires == {"serverless": True, "stack": True}
    assert case.file.teardown and not case.file.setup
    assert "OSR:delete_by_query/10_basic.yml::Basic response" in by_id
    name = "Throws exception if from or size query parameter is negative"
    assert by_id[f"OS:search/360_from_and_size.yml::{name}"].file.setup


@needs_data
def test_every_skip_list_entry_names_a_real_case(cases: list[Case]) -> None:
    names = {(case.file.rel, case.name) for case in cases}
    files = {case.file.rel for case in cases}
    for rel, name in SKIPS:
        assert (rel, name) in names if name != "*" else rel in files, (rel, name)


# --- paths and stash ------------------------------------------------------------------------


def test_split_path_handles_escaped_dots() -> None:
    assert split_path("") == []
    assert split_path("$body") == []
    assert split_path("a.b.0") == ["a", "b", "0"]
    assert split_path(r"settings.index\.number_of_shards") == ["settings", "index.number_of_shards"]


def test_lookup_lists_escaped_dots_body_and_stash() -> None:
    response = {
        "hits": {"hits": [{"_id": "a"}, {"_id": "b", "sort": [3]}]},
        "test_1": {"settings": {"index.number_of_shards": "1"}},
        "abc": {"x": 1},
    }
    assert lookup(response, "hits.hits.1._id") == "b"
    assert lookup(response, "hits.hits.1.sort.0") == 3
    assert lookup(response, "hits.hits.2") is UNDEFINED
    assert lookup(response, "hits.hits.x") is UNDEFINED
    assert lookup(response, "hits.total") is UNDEFINED
    assert lookup(response, r"test_1.settings.index\.number_of_shards") == "1"
    assert lookup(response, "") is response
    assert lookup(response, "$body") is response
    assert lookup(response, "$body.abc.x") == 1
    assert lookup(response, "$idx.x", {"idx": "abc"}) == 1
    assert lookup(response, "${idx}.x", {"idx": "abc"}) == 1
    assert lookup(response, "hits.hits.$n._id", {"n": 1}) == "b"
    assert lookup(True, "") is True


def test_resolve_keeps_types_and_splices_strings() -> None:
    stash = {"id": 42, "name": "abc"}
    assert resolve("$id", stash) == 42
    assert resolve("${id}", stash) == 42
    assert resolve("doc_${name}_${id}", stash) == "doc_abc_42"
    assert resolve({"q": ["$name", {"id": "$id"}]}, stash) == {"q": ["abc", {"id": 42}]}
    assert resolve("$body", {}, {"a": 1}) == {"a": 1}
    assert resolve("/^\\$x/", stash) == "/^\\$x/"
    with pytest.raises(StepFailed):
        resolve("$missing", stash)


# --- match ------------------------------------------------------------------------------------


def test_match_regex_uses_verbose_search() -> None:
    pattern = r"/\[1\]:.version.conflict,.required.seqNo.\[\d+\]/"
    actual = "[1]: version conflict, required seqNo [34], primary term [1]"
    assert match_mismatch(actual, pattern) is None
    assert match_mismatch("abc", "/ a b c /") is None  # whitespace ignored (verbose)
    assert match_mismatch("xx abc xx", "/abc/") is None  # search, not full match
    assert match_mismatch("abd", "/abc/") is not None
    assert match_mismatch(123, "/12/") is not None  # regex needs a string
    assert match_mismatch("task:1", "  /.+:\\d+/  ") is None
    assert match_mismatch("/", "/") is None  # too short to be a regex: plain equality


def test_match_numbers_compare_by_value() -> None:
    assert match_mismatch(1, 1.0) is None
    assert match_mismatch(1.0, 1) is None
    assert match_mismatch(2555843009213695000, 2555843009213695000.0) is None
    assert match_mismatch(10223372036854775807, 10223372036854775807) is None
    assert match_mismatch(10223372036854775806, 10223372036854775807) is not None
    assert match_mismatch("1", 1) is not None  # strings and numbers do not coerce
    assert match_mismatch(1, "1") is not None
    assert match_mismatch(1, True) is not None  # bools are not numbers
    assert match_mismatch(True, 1) is not None


def test_match_maps_need_identical_keys() -> None:
    assert match_mismatch({"foo": "bar"}, {"foo": "bar"}) is None
    assert match_mismatch({"foo": "bar", "x": 1}, {"foo": "bar"}) is not None
    assert match_mismatch({}, {"foo": "bar"}) is not None
    assert match_mismatch({"a": {"b": [1, 2.0]}}, {"a": {"b": [1.0, 2]}}) is None
    assert match_mismatch([2147483647], [2147483647]) is None
    assert match_mismatch([1, 2], [2, 1]) is not None
    assert match_mismatch([1], [1, 1]) is not None


def test_match_null_means_null_or_absent() -> None:
    assert match_mismatch(None, None) is None
    assert match_mismatch(UNDEFINED, None) is None
    assert match_mismatch(0, None) is not None
    assert match_mismatch(UNDEFINED, 0) is not None
    assert match_mismatch(None, 0) is not None


def test_is_true_is_false_edge_values() -> None:
    for value in (UNDEFINED, None, False, "", 0, "false", "FALSE", "0"):
        assert is_false_like(value), value
    for value in (True, 1, -1, "a", "true", 0.0, 0.5, [], {}, [0], {"a": 0}):
        assert not is_false_like(value), value


def test_comparisons() -> None:
    assert compare_mismatch("gte", 0, 0) is None
    assert compare_mismatch("gt", 0, 0) is not None
    assert compare_mismatch("lt", 3.14, 3.141) is None
    assert compare_mismatch("lte", 2, 2.0) is None
    assert compare_mismatch("gte", UNDEFINED, 0) is not None
    assert compare_mismatch("gte", True, 0) is not None
    assert compare_mismatch("gt", "b", "a") is None


def test_case_run_assertions_on_a_response() -> None:
    run = CaseRun(client=None)
    run.response = {"_id": "xyz", "hits": {"hits": [{"a": 1}]}, "took": 3, "n": 0}
    run.step_set({"_id": "id"})
    assert run.stash == {"id": "xyz"}
    run.step_match({"_id": "$id", "hits.hits.0.a": 1.0})
    run.step_length({"hits.hits": 1, "hits": 1, "_id": 3})
    run.step_is_true("took")
    run.step_is_false("n")
    run.step_is_false("missing.path")
    run.step_gte({"took": 0})
    with pytest.raises(StepFailed, match="expected 2"):
        run.step_match({"took": 2})
    with pytest.raises(StepFailed):
        run.step_is_true("missing")
    with pytest.raises(StepFailed):
        run.step_length({"hits.hits": 2})


# --- skips ------------------------------------------------------------------------------------


def test_version_ranges_treat_the_engine_as_newest() -> None:
    assert not version_range_skips(" - 6.99.99")
    assert not version_range_skips(" - 2.99.99")
    assert not version_range_skips("7.0.0 - 7.9.99")
    assert version_range_skips("7.3.0 - ")
    assert version_range_skips("2.0.0 - ")
    assert version_range_skips("all")
    assert version_range_skips(" - 6.99.99, 7.3.0 - ")


def test_skip_features() -> None:
    assert skip_decision({"features": "headers"}) is None
    assert skip_decision({"features": ["warnings", "allowed_warnings"]}) is None
    decision = skip_decision({"version": "2.0.0 - ", "features": "node_selector"})
    assert decision is not None and decision[0] == CAT_RUNNER_FEATURE
    decision = skip_decision({"version": "6.7.0 - ", "reason": "seq no"})
    assert decision is not None and decision[0] == CAT_OWN_VERSION_SKIP


def test_requires_runs_stack_or_serverless() -> None:
    assert requires_decision({"serverless": True, "stack": True}) is None
    assert requires_decision({"serverless": True, "stack": False}) is None
    assert requires_decision({"serverless": False, "stack": True}) is None
    assert requires_decision({"serverless": False, "stack": False}) is not None
    assert requires_decision({"stack": True, "feature_flag": "x"}) is not None
    assert requires_decision(None) is None


@needs_data
def test_static_skips_on_real_cases(by_id: dict[str, Case]) -> None:
    skipped = static_skip(by_id["OSR:delete_by_query/10_basic.yml::Limit by size pre 7.3"], {})
    assert skipped is not None and skipped[0] == CAT_OWN_VERSION_SKIP  # "7.3.0 - "
    assert static_skip(by_id["OS:mget/10_basic.yml::Basic multi-get"], {}) is None  # " - 6.99.99"
    assert static_skip(by_id["CT:delete_by_query/10_serverless.yml::delete_by_query"], {}) is None
    listed = static_skip(by_id["OS:delete/50_refresh.yml::Refresh"], SKIPS)
    assert listed is not None and listed[0].startswith("multi-shard")
    real = by_id["CT:get/10_basic.yml::Basic"]
    flagged = YamlFile(real.file.rel, "CT", requires={"stack": True, "feature_flag": "x"})
    skipped = static_skip(Case(flagged, real.name, real.steps), {})
    assert skipped is not None and skipped[0] == CAT_REQUIRES


# --- parameter translation ----------------------------------------------------------------------


@needs_data
def test_from_becomes_from_(by_id: dict[str, Case], client: Elasticsearch) -> None:
    name = "Throws exception if from or size query parameter is negative"
    case = by_id[f"OS:search/360_from_and_size.yml::{name}"]
    do = parse_do(first_do(case, "search"))
    assert do.catch and do.catch.startswith("/")
    call = translate_params(do.api, do.params, None, accepted_params(client.search))
    assert call.kwargs["from_"] == -5 and "from" not in call.kwargs
    assert call.kwargs["body"] == {"query": {"match": {"foo": "bar"}}}


@needs_data
def test_bulk_bodies_list_and_string(by_id: dict[str, Case], client: Elasticsearch) -> None:
    ndjson = client.transport.serializers.get_serializer("application/x-ndjson")
    lines = [
        {"index": {"_index": "test_index", "_id": "test_id"}},
        {"f1": "v1", "f2": 42},
        {"index": {"_index": "test_index", "_id": "test_id2"}},
        {"f1": "v2", "f2": 47},
    ]
    for case_id in (
        "OS:bulk/20_list_of_strings.yml::List of strings",
        "OS:bulk/30_big_string.yml::One big string",
        "CT:bulk/10_basic.yml::Basic bulk operation",
    ):
        do = parse_do(first_do(by_id[case_id], "bulk"))
        call = translate_params(do.api, do.params, None, accepted_params(client.bulk))
        assert call.kwargs["refresh"] is True
        body = call.kwargs["body"]
        assert isinstance(body, list if "big_string" not in case_id else str)
        sent = [json.loads(line) for line in ndjson.dumps(body).decode().splitlines()]
        assert len(sent) == 4
        if "CT:" not in case_id:
            assert sent == lines


def test_json_string_body_is_parsed() -> None:
    call = translate_params("search", {"body": '{"query": {"match_all": {}}}'})
    assert call.kwargs["body"] == {"query": {"match_all": {}}}


@needs_data
def test_ignore_and_headers_become_options(by_id: dict[str, Case]) -> None:
    do = parse_do(first_do(by_id["OS:get/80_missing.yml::Missing document with ignore"], "get"))
    call = translate_params(do.api, do.params, {"Content-Type": "application/json"})
    assert call.options == {"ignore_status": 404, "headers": {"Content-Type": "application/json"}}
    assert call.kwargs == {"index": "test_1", "id": 1}


def test_source_params_follow_the_client_aliases(client: Elasticsearch) -> None:
    params = {"_source": False, "_source_includes": "a", "body": {"query": {}}}
    call = translate_params("search", params, None, accepted_params(client.search))
    assert call.kwargs == {"source": False, "source_includes": "a", "body": {"query": {}}}
    call = translate_params("index", {"_source": True}, None, accepted_params(client.index))
    assert call.kwargs == {"_source": True}  # index has no source parameter: left to the client


def test_client_side_rejections_are_recognised(client: Elasticsearch) -> None:
    with pytest.raises(TypeError) as unknown:
        client.delete_by_query(index="x", size=1, body={"query": {"match_all": {}}})
    assert raised_by_client(unknown.value)
    with pytest.raises(ValueError) as empty:
        client.indices.put_alias(index=None, name=None)  # type: ignore[arg-type]
    assert raised_by_client(empty.value)
    with pytest.raises(TypeError) as elsewhere:
        json.dumps({"a": object()})  # a TypeError not raised by the client
    assert not raised_by_client(elsewhere.value)
    with pytest.raises(CaseSkipped) as different:
        invoke(client, Call("search", {"size": 1, "body": {"size": 2}}))
    assert different.value.category == CAT_NOT_EXPRESSIBLE


def test_equal_duplicate_body_param_is_dropped(client: Elasticsearch) -> None:
    """Same value in both places: the call goes out (and meets the closed port)."""
    from elasticsearch import ConnectionError as EsConnectionError

    with pytest.raises(EsConnectionError):
        invoke(client, Call("search", {"size": 1, "body": {"size": 1}}))


def test_catch_param_accepts_a_client_rejection(client: Elasticsearch) -> None:
    run = CaseRun(client)
    run.step_do({"catch": "param", "indices.put_alias": {"index": None, "name": None}})
    assert run.response is None
    with pytest.raises(CaseSkipped) as skipped:
        run.step_do({"delete_by_query": {"index": "x", "size": 1}})
    assert skipped.value.category == CAT_NOT_EXPRESSIBLE


# --- catch ------------------------------------------------------------------------------------


def test_catch_statuses() -> None:
    assert catch_mismatch("missing", 404, {}) is None
    assert catch_mismatch("missing", 400, {}) is not None
    assert catch_mismatch("conflict", 409, {}) is None
    assert catch_mismatch("bad_request", 400, {}) is None
    assert catch_mismatch("request", 500, {}) is None
    assert catch_mismatch("request", 404, {}) is not None
    assert catch_mismatch("param", 400, {}) is None
    assert catch_mismatch("nonsense", 400, {}) is not None


def test_catch_regex_searches_type_and_reason() -> None:
    body = {
        "error": {
            "root_cause": [{"type": "action_request_validation_exception", "reason": "x"}],
            "type": "action_request_validation_exception",
            "reason": "Validation Failed: 1: id is missing;",
        },
        "status": 400,
    }
    assert (
        catch_mismatch("/action_request_validation_exception.+ id is missing/", 400, body) is None
    )
    slices = {"error": {"reason": '[slices] must be a positive integer or the string "auto"'}}
    assert (
        catch_mismatch(
            '/\\[slices\\] must be a positive integer or the string "auto"/', 400, slices
        )
        is None
    )
    assert catch_mismatch("/query is missing/", 400, body) is not None
    assert catch_mismatch("/query is missing/", 400, "query is missing") is None
