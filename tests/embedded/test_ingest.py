"""Ingest pipelines in the embedded engine, through the stock client.

Expected answers come from Elasticsearch's own ingest REST tests (``ingest-common``'s
``20_crud``, ``50_on_failure``, ``90_simulate``, ``200_default_pipeline``,
``210_pipeline_processor``, ``220_drop_processor``, ``240_required_pipeline``...) and from its
sources (``ConfigurationUtils``, ``IngestDocument``, ``IngestService``, the processors).
"""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError

SET_FIELD2 = {"set": {"field": "field2", "value": "_value"}}


def put(es: Elasticsearch, pipeline_id: str, *processors: dict[str, Any], **body: Any) -> None:
    assert es.ingest.put_pipeline(id=pipeline_id, processors=list(processors), **body)[
        "acknowledged"
    ]


def simulated(es: Elasticsearch, *processors: dict[str, Any], **source: Any) -> dict[str, Any]:
    """The one simulated document's answer (``doc``, ``error``, or None if dropped)."""
    result = es.ingest.simulate(
        pipeline={"processors": list(processors)}, docs=[{"_source": source}]
    )
    doc: dict[str, Any] = result["docs"][0]
    return doc


def source_after(es: Elasticsearch, *processors: dict[str, Any], **source: Any) -> dict[str, Any]:
    result = simulated(es, *processors, **source)
    assert "doc" in result, result
    body: dict[str, Any] = result["doc"]["_source"]
    return body


def error_of(es: Elasticsearch, *processors: dict[str, Any], **source: Any) -> dict[str, Any]:
    result = simulated(es, *processors, **source)
    assert "error" in result, result
    error: dict[str, Any] = result["error"]
    return error


# Put, get, delete


def test_put_get_delete_a_pipeline(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "my_pipeline", SET_FIELD2, description="_description")
    got = es.ingest.get_pipeline(id="my_pipeline")
    assert got.body == {"my_pipeline": {"description": "_description", "processors": [SET_FIELD2]}}
    assert es.ingest.get_pipeline()["my_pipeline"]["description"] == "_description"
    assert es.ingest.delete_pipeline(id="my_pipeline")["acknowledged"] is True
    with pytest.raises(NotFoundError) as caught:
        es.ingest.get_pipeline(id="my_pipeline")
    assert caught.value.body == {}


def test_get_several_by_list_and_wildcard(any_es: Elasticsearch) -> None:
    es = any_es
    for name in ("first_pipeline", "second_pipeline", "other"):
        put(es, name, SET_FIELD2, description=name)
    assert set(es.ingest.get_pipeline(id="first_pipeline,other").body) == {
        "first_pipeline",
        "other",
    }
    assert set(es.ingest.get_pipeline(id="*_pipeline").body) == {
        "first_pipeline",
        "second_pipeline",
    }
    assert es.ingest.get_pipeline(id="other", summary=True).body == {"other": {}}
    assert set(es.ingest.get_pipeline().body) == {"first_pipeline", "second_pipeline", "other"}


def test_no_pipeline_at_all_is_a_404(any_es: Elasticsearch) -> None:
    with pytest.raises(NotFoundError) as caught:
        any_es.ingest.get_pipeline()
    assert caught.value.body == {}


def test_delete_by_wildcard_then_a_missing_one(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "my_pipeline", SET_FIELD2)
    put(es, "kept", SET_FIELD2)
    assert es.ingest.delete_pipeline(id="my_*")["acknowledged"] is True
    assert set(es.ingest.get_pipeline().body) == {"kept"}
    with pytest.raises(NotFoundError) as caught:
        es.ingest.delete_pipeline(id="my_*")
    error = caught.value.body["error"]
    assert error["type"] == "resource_not_found_exception"
    assert error["reason"] == "pipeline [my_*] is missing"


def test_a_pipeline_in_use_as_an_index_default_cannot_be_deleted(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "used", SET_FIELD2)
    es.indices.create(index="logs", settings={"index.default_pipeline": "used"})
    with pytest.raises(BadRequestError) as caught:
        es.ingest.delete_pipeline(id="used")
    assert caught.value.body["error"]["reason"] == (
        "pipeline [used] cannot be deleted because it is the default pipeline for 1 index(es) "
        "including [logs]"
    )
    assert "used" in es.ingest.get_pipeline(id="used").body


def test_a_processor_without_its_required_option_is_refused(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as caught:
        any_es.ingest.put_pipeline(id="my_pipeline", processors=[{"set": {"tag": "fritag"}}])
    cause = caught.value.body["error"]["root_cause"][0]
    assert cause == {
        "type": "parse_exception",
        "reason": "[field] required property is missing",
        "processor_type": "set",
        "processor_tag": "fritag",
        "property_name": "field",
    }
    with pytest.raises(NotFoundError):
        any_es.ingest.get_pipeline(id="my_pipeline")


def test_an_unknown_processor_type_is_refused(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as caught:
        any_es.ingest.put_pipeline(id="p", processors=[{"frobnicate": {"field": "x"}}])
    error = caught.value.body["error"]
    assert error["type"] == "parse_exception"
    assert error["reason"] == "No processor type exists with name [frobnicate]"
    assert error["processor_type"] == "frobnicate"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"description": "no processors"}, "[processors] required property is missing"),
        (
            {"processors": [SET_FIELD2], "on_failure": []},
            "pipeline [p] cannot have an empty on_failure option defined",
        ),
        (
            {"processors": [{"fail": {"message": "m", "tag": "emptyfail", "on_failure": []}}]},
            "[on_failure] processors list cannot be empty",
        ),
        (
            {"processors": [{"set": {"field": "a", "value": 1, "colour": "red"}}]},
            "processor [set] doesn't support one or more provided configuration parameters "
            "[colour]",
        ),
        (
            {"processors": [SET_FIELD2], "owner": "me"},
            "pipeline [p] doesn't support one or more provided configuration parameters [owner]",
        ),
        (
            {"processors": [{"convert": {"field": "a", "type": "complex"}}]},
            "[type] type [complex] not supported, cannot convert field.",
        ),
    ],
)
def test_invalid_definitions(es: Elasticsearch, body: dict[str, Any], reason: str) -> None:
    with pytest.raises(BadRequestError) as caught:
        es.ingest.put_pipeline(id="p", body=body)
    assert caught.value.body["error"]["type"] == "parse_exception"
    assert caught.value.body["error"]["reason"] == reason


def test_a_condition_that_does_not_compile_is_refused(es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as caught:
        es.ingest.put_pipeline(id="p", processors=[{"drop": {"if": "ctx.foo ==="}}])
    assert caught.value.body["error"]["type"] == "script_exception"


def test_an_unsupported_template_is_refused(es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as caught:
        es.ingest.put_pipeline(
            id="p", processors=[{"set": {"field": "x", "value": "{{#tags}}{{.}}{{/tags}}"}}]
        )
    reason = caught.value.body["error"]["reason"]
    assert "not supported" in reason and "{{#tags}}" in reason


def test_if_version_guards_an_update(es: Elasticsearch) -> None:
    put(es, "p", SET_FIELD2, version=1)
    with pytest.raises(BadRequestError) as caught:
        es.ingest.put_pipeline(id="p", processors=[SET_FIELD2], if_version=2)
    assert caught.value.body["error"]["reason"] == (
        "version conflict, required version [2] for pipeline [p] but current version is [1]"
    )
    es.ingest.put_pipeline(id="p", processors=[SET_FIELD2], if_version=1)
    assert es.ingest.get_pipeline(id="p")["p"]["version"] == 2


# Simulate


def test_simulate_a_stored_pipeline(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "my_pipeline", SET_FIELD2)
    result = es.ingest.simulate(
        id="my_pipeline", docs=[{"_index": "index", "_id": "id", "_source": {"foo": "bar"}}]
    )
    (doc,) = result["docs"]
    assert doc["doc"]["_source"] == {"foo": "bar", "field2": "_value"}
    assert doc["doc"]["_index"] == "index" and doc["doc"]["_id"] == "id"
    assert doc["doc"]["_version"] == "-3"
    assert list(doc["doc"]["_ingest"]) == ["timestamp"]


def test_simulate_a_missing_stored_pipeline(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as caught:
        any_es.ingest.simulate(id="nope", docs=[{"_source": {}}])
    assert caught.value.body["error"]["reason"] == "pipeline [nope] does not exist"


def test_simulate_without_a_pipeline_or_docs(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as caught:
        any_es.ingest.simulate(docs=[{"_source": {"foo": "bar"}}])
    error = caught.value.body["error"]
    assert error["reason"] == "[pipeline] required property is missing"
    assert error["root_cause"][0]["property_name"] == "pipeline"
    assert "processor_type" not in error["root_cause"][0]
    with pytest.raises(BadRequestError) as caught:
        any_es.ingest.simulate(pipeline={"processors": []}, docs=[])
    assert caught.value.body["error"]["reason"] == "must specify at least one document in [docs]"


def test_simulate_reports_each_document_alone(any_es: Elasticsearch) -> None:
    result = any_es.ingest.simulate(
        pipeline={"processors": [{"uppercase": {"field": "foo"}}]},
        docs=[{"_source": {"not_foo": "bar"}}, {"_id": "id2", "_source": {"foo": "bar"}}],
    )
    failed, passed = result["docs"]
    assert failed["error"]["type"] == "illegal_argument_exception"
    assert failed["error"]["reason"] == "field [foo] not present as part of path [foo]"
    assert passed["doc"]["_source"] == {"foo": "BAR"}
    assert passed["doc"]["_id"] == "id2"


def test_verbose_simulate_lists_every_processor(any_es: Elasticsearch) -> None:
    result = any_es.ingest.simulate(
        verbose=True,
        pipeline={
            "processors": [
                {"set": {"tag": "processor[set]-0", "field": "field2.value", "value": "_value"}},
                {"uppercase": {"field": "field2.value", "description": "shout"}},
                {"drop": {"if": "ctx.field2.value == 'nope'"}},
                {
                    "rename": {
                        "tag": "rename-1",
                        "field": "foofield",
                        "target_field": "field1",
                        "ignore_failure": True,
                    }
                },
            ]
        },
        docs=[{"_index": "index", "_id": "id", "_source": {"foo": "bar"}}],
    )
    first, second, third, fourth = result["docs"][0]["processor_results"]
    assert first["processor_type"] == "set" and first["status"] == "success"
    assert first["tag"] == "processor[set]-0"
    assert first["doc"]["_source"] == {"foo": "bar", "field2": {"value": "_value"}}
    assert first["doc"]["_ingest"]["pipeline"] == "_simulate_pipeline"
    assert second["description"] == "shout"
    assert second["doc"]["_source"]["field2"] == {"value": "_VALUE"}
    assert third == {
        "processor_type": "drop",
        "status": "skipped",
        "if": {"condition": "ctx.field2.value == 'nope'", "result": False},
    }
    assert fourth["status"] == "error_ignored"
    assert fourth["ignored_error"]["error"]["reason"] == "field [foofield] doesn't exist"
    assert fourth["doc"]["_source"]["field2"] == {"value": "_VALUE"}


def test_verbose_simulate_with_on_failure(any_es: Elasticsearch) -> None:
    result = any_es.ingest.simulate(
        verbose=True,
        pipeline={
            "processors": [
                {
                    "rename": {
                        "tag": "gunna_fail",
                        "if": "true",
                        "field": "foo1",
                        "target_field": "fieldA",
                        "on_failure": [
                            {"set": {"field": "failed1", "value": "failed1", "tag": "failed1"}}
                        ],
                    }
                }
            ]
        },
        docs=[{"_index": "index", "_id": "id", "_source": {"foo": "bar"}}],
    )
    failed, handler = result["docs"][0]["processor_results"]
    assert failed["tag"] == "gunna_fail" and failed["status"] == "error"
    assert failed["if"] == {"condition": "true", "result": True}
    assert failed["error"]["reason"] == "field [foo1] doesn't exist"
    assert handler["tag"] == "failed1"
    assert handler["doc"]["_source"]["failed1"] == "failed1"
    ingest = handler["doc"]["_ingest"]
    assert ingest["on_failure_processor_tag"] == "gunna_fail"
    assert ingest["on_failure_processor_type"] == "rename"
    assert ingest["on_failure_message"] == "field [foo1] doesn't exist"


def test_verbose_simulate_through_nested_pipelines(any_es: Elasticsearch) -> None:
    es = any_es
    put(
        es,
        "pipeline1",
        {"set": {"field": "pipeline1", "value": True}},
        {"pipeline": {"name": "pipeline2"}},
    )
    put(es, "pipeline2", {"set": {"field": "pipeline2", "value": True}})
    result = es.ingest.simulate(
        verbose=True,
        pipeline={"processors": [{"pipeline": {"name": "pipeline1"}}]},
        docs=[{"_source": {}}],
    )
    types = [(r["processor_type"], r["status"]) for r in result["docs"][0]["processor_results"]]
    assert types == [
        ("pipeline", "success"),
        ("set", "success"),
        ("pipeline", "success"),
        ("set", "success"),
    ]
    last = result["docs"][0]["processor_results"][-1]["doc"]
    assert last["_source"] == {"pipeline1": True, "pipeline2": True}
    assert last["_ingest"]["pipeline"] == "pipeline2"


def test_pipeline_cycles_are_detected(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "outer", {"pipeline": {"name": "inner"}})
    put(es, "inner", {"pipeline": {"name": "outer"}})
    verbose = es.ingest.simulate(
        verbose=True,
        pipeline={"processors": [{"pipeline": {"name": "outer"}}]},
        docs=[{"_source": {}}],
    )
    (only,) = verbose["docs"][0]["processor_results"]
    assert only["error"]["reason"] == "Cycle detected for pipeline: outer"
    plain = es.ingest.simulate(id="outer", docs=[{"_source": {}}])
    assert plain["docs"][0]["error"]["type"] == "illegal_state_exception"
    assert plain["docs"][0]["error"]["reason"] == "Cycle detected for pipeline: outer"


def test_a_dropped_document_simulates_as_null(any_es: Elasticsearch) -> None:
    result = any_es.ingest.simulate(
        pipeline={"processors": [{"drop": {"if": "ctx.level == 'debug'"}}]},
        docs=[{"_source": {"level": "debug"}}, {"_source": {"level": "error"}}],
    )
    assert result["docs"][0] is None
    assert result["docs"][1]["doc"]["_source"] == {"level": "error"}


def test_simulate_over_http_with_get(es_http: Elasticsearch) -> None:
    response = es_http.perform_request(
        "GET",
        "/_ingest/pipeline/_simulate",
        headers={"content-type": "application/json", "accept": "application/json"},
        body={"pipeline": {"processors": [SET_FIELD2]}, "docs": [{"_source": {}}]},
    )
    assert response.body["docs"][0]["doc"]["_source"] == {"field2": "_value"}


# Processors


def test_set_with_templates_override_and_copy_from(es: Elasticsearch) -> None:
    assert source_after(
        es,
        {"set": {"field": "{{kind}}_name", "value": "{{first}} {{{last}}}"}},
        {"set": {"field": "first", "value": "ignored", "override": False}},
        {"set": {"field": "copy", "copy_from": "first"}},
        {"set": {"field": "nothing", "value": "{{missing}}", "ignore_empty_value": True}},
        {"set": {"field": "meta", "value": {"id": "{{_id}}", "when": "{{_index}}"}}},
        kind="user",
        first="Ann",
        last='O"Neil',
    ) == {
        "kind": "user",
        "first": "Ann",
        "last": 'O"Neil',
        "user_name": 'Ann O"Neil',
        "copy": "Ann",
        "meta": {"id": "_id", "when": "_index"},
    }


def test_double_mustache_escapes_as_in_a_json_string(es: Elasticsearch) -> None:
    assert source_after(es, {"set": {"field": "x", "value": "{{q}}"}}, q='say "hi"')["x"] == (
        'say \\"hi\\"'
    )


def test_remove_rename_append(es: Elasticsearch) -> None:
    assert source_after(
        es,
        {"remove": {"field": ["a", "b.c"]}},
        {"remove": {"field": "missing", "ignore_missing": True}},
        {"rename": {"field": "old", "target_field": "new"}},
        {"append": {"field": "tags", "value": ["x", "{{new}}"]}},
        {"append": {"field": "tags", "value": "x", "allow_duplicates": False}},
        {"append": {"field": "one", "value": 2}},
        a=1,
        b={"c": 2, "d": 3},
        old="moved",
        tags="first",
        one=1,
    ) == {"b": {"d": 3}, "new": "moved", "tags": ["first", "x", "moved"], "one": [1, 2]}


def test_remove_keep(es: Elasticsearch) -> None:
    assert source_after(es, {"remove": {"keep": ["a", "b.c"]}}, a=1, b={"c": 2, "d": 3}, z=0) == {
        "a": 1,
        "b": {"c": 2},
    }


def test_field_errors_carry_elasticsearch_messages(es: Elasticsearch) -> None:
    assert error_of(es, {"rename": {"field": "a", "target_field": "b"}}, a=1, b=2)["reason"] == (
        "field [b] already exists"
    )
    assert error_of(es, {"remove": {"field": "x.y"}}, x={})["reason"] == (
        "field [y] not present as part of path [x.y]"
    )
    assert error_of(es, {"set": {"field": "x.y", "value": 1}}, x="text")["reason"] == (
        "cannot set [y] with parent object of type [java.lang.String] as part of path [x.y]"
    )
    assert error_of(es, {"lowercase": {"field": "n"}}, n=5)["reason"] == (
        "field [n] of type [java.lang.Integer] cannot be cast to [java.lang.String]"
    )


def test_string_processors(es: Elasticsearch) -> None:
    assert source_after(
        es,
        {"lowercase": {"field": "a"}},
        {"uppercase": {"field": "list"}},
        {"trim": {"field": "t", "target_field": "trimmed"}},
        {"split": {"field": "csv", "separator": "\\s*,\\s*"}},
        {"join": {"field": "parts", "separator": "-"}},
        {"gsub": {"field": "path", "pattern": "/(\\w+)", "replacement": ".$1"}},
        {"uppercase": {"field": "missing", "ignore_missing": True}},
        a="MiXeD",
        list=["x", "y"],
        t="  padded \n",
        csv="a , b,c,,",
        parts=["a", 1, True],
        path="/usr/local",
    ) == {
        "a": "mixed",
        "list": ["X", "Y"],
        "t": "  padded \n",
        "trimmed": "padded",
        "csv": ["a", "b", "c"],
        "parts": "a-1-true",
        "path": ".usr.local",
    }


def test_convert(es: Elasticsearch) -> None:
    assert source_after(
        es,
        {"convert": {"field": "i", "type": "integer"}},
        {"convert": {"field": "hex", "type": "long"}},
        {"convert": {"field": "f", "type": "float"}},
        {"convert": {"field": "b", "type": "boolean"}},
        {"convert": {"field": "n", "type": "string", "target_field": "s"}},
        {"convert": {"field": "many", "type": "auto"}},
        i="42",
        hex="0x1F",
        f="0.1234567891",
        b="TRUE",
        n=1.0,
        many=["true", "7", "2.5", "text"],
    ) == {
        "i": 42,
        "hex": 31,
        "f": 0.12345679,
        "b": True,
        "n": 1.0,
        "s": "1.0",
        "many": [True, 7, 2.5, "text"],
    }
    assert error_of(es, {"convert": {"field": "i", "type": "integer"}}, i="4.5")["reason"] == (
        "unable to convert [4.5] to integer"
    )


def test_date(es: Elasticsearch) -> None:
    assert source_after(
        es,
        {"date": {"field": "iso", "formats": ["ISO8601"]}},
        {
            "date": {
                "field": "unix",
                "target_field": "from_unix",
                "formats": ["UNIX"],
                "timezone": "Europe/Amsterdam",
            }
        },
        {
            "date": {
                "field": "custom",
                "target_field": "from_custom",
                "formats": ["UNIX_MS", "dd/MM/yyyy"],
                "output_format": "yyyy-MM-dd",
            }
        },
        iso="2016-06-12T00:00:00.123+02:00",
        unix="1465689600",
        custom="12/06/2016",
    ) == {
        "iso": "2016-06-12T00:00:00.123+02:00",
        "@timestamp": "2016-06-11T22:00:00.123Z",
        "unix": "1465689600",
        "from_unix": "2016-06-12T02:00:00.000+02:00",
        "custom": "12/06/2016",
        "from_custom": "2016-06-12",
    }
    assert error_of(es, {"date": {"field": "d", "formats": ["yyyy"]}}, d="soon")["reason"] == (
        "unable to parse date [soon]"
    )


def test_json_and_dot_expander(es: Elasticsearch) -> None:
    assert source_after(
        es,
        {"json": {"field": "raw", "target_field": "parsed"}},
        {"json": {"field": "root", "add_to_root": True}},
        {"dot_expander": {"field": "a.b"}},
        {"dot_expander": {"field": "*", "path": "nested"}},
        raw='{"x": [1, 2]}',
        root='{"top": 1}',
        nested={"c.d": 1},
        **{"a.b": "v"},
    ) == {
        "raw": '{"x": [1, 2]}',
        "parsed": {"x": [1, 2]},
        "root": '{"top": 1}',
        "top": 1,
        "nested": {"c": {"d": 1}},
        "a": {"b": "v"},
    }
    error = error_of(es, {"json": {"field": "raw"}}, raw="{not json")
    assert error["type"] == "illegal_argument_exception"


def test_foreach(es: Elasticsearch) -> None:
    assert source_after(
        es,
        {"foreach": {"field": "names", "processor": {"uppercase": {"field": "_ingest._value"}}}},
        {
            "foreach": {
                "field": "items",
                "processor": {"remove": {"field": "_ingest._value.secret"}},
            }
        },
        {"foreach": {"field": "none", "ignore_missing": True, "processor": {"drop": {}}}},
        names=["a", "b"],
        items=[{"secret": 1, "keep": 1}, {"secret": 2}],
    ) == {"names": ["A", "B"], "items": [{"keep": 1}, {}]}


def test_script_processor_and_conditions(es: Elasticsearch) -> None:
    assert source_after(
        es,
        {"script": {"source": "ctx.total = ctx.a + params.b", "params": {"b": 2}}},
        {"set": {"if": "ctx.total > 2", "field": "big", "value": True}},
        {"set": {"if": "ctx.total > 100", "field": "huge", "value": True}},
        {"script": "ctx.remove('a')"},
        a=1,
    ) == {"total": 3, "big": True}


def test_fail_and_on_failure_metadata(es: Elasticsearch) -> None:
    error = error_of(es, {"fail": {"message": "bad {{level}}"}}, level="debug")
    assert error == {
        "root_cause": [{"type": "fail_processor_exception", "reason": "bad debug"}],
        "type": "fail_processor_exception",
        "reason": "bad debug",
    }
    result = es.ingest.simulate(
        pipeline={
            "processors": [{"fail": {"tag": "t", "message": "boom"}}],
            "on_failure": [
                {"set": {"field": "why", "value": "{{_ingest.on_failure_message}}"}},
                {"set": {"field": "who", "value": "{{_ingest.on_failure_processor_type}}"}},
            ],
        },
        docs=[{"_source": {}}],
    )
    assert result["docs"][0]["doc"]["_source"] == {"why": "boom", "who": "fail"}
    assert "on_failure_message" not in result["docs"][0]["doc"]["_ingest"]


# Writes through pipelines


def test_index_and_create_with_a_pipeline(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "tag", {"set": {"field": "tagged", "value": "{{_index}}/{{_id}}"}})
    assert es.index(index="docs", id="1", document={"a": 1}, pipeline="tag")["result"] == "created"
    es.create(index="docs", id="2", document={"a": 2}, pipeline="tag")
    assert es.get(index="docs", id="1")["_source"] == {"a": 1, "tagged": "docs/1"}
    assert es.get(index="docs", id="2")["_source"] == {"a": 2, "tagged": "docs/2"}


def test_a_missing_pipeline_fails_the_write(any_es: Elasticsearch) -> None:
    es = any_es
    with pytest.raises(BadRequestError) as caught:
        es.index(index="docs", id="1", document={"a": 1}, pipeline="nope")
    assert caught.value.body["error"]["type"] == "illegal_argument_exception"
    assert caught.value.body["error"]["reason"] == "pipeline with id [nope] does not exist"
    assert not es.exists(index="docs", id="1")


def test_a_failing_processor_fails_the_write_with_its_error(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "upper", {"uppercase": {"field": "name"}})
    with pytest.raises(BadRequestError) as caught:
        es.index(index="docs", id="1", document={"other": 1}, pipeline="upper")
    assert caught.value.body["error"]["root_cause"][0] == {
        "type": "illegal_argument_exception",
        "reason": "field [name] not present as part of path [name]",
    }
    put(es, "fails", {"fail": {"message": "error_message"}})
    with pytest.raises(ApiError) as failed:
        es.index(index="docs", id="1", document={}, pipeline="fails")
    assert failed.value.meta.status == 500
    assert failed.value.body["error"]["type"] == "fail_processor_exception"
    assert not es.exists(index="docs", id="1")


def test_on_failure_lets_the_write_through(any_es: Elasticsearch) -> None:
    es = any_es
    put(
        es,
        "my_pipeline",
        {"set": {"field": "_executed", "value": True}},
        {"date": {"field": "date", "target_field": "date", "formats": ["yyyy"]}},
        {"uppercase": {"field": "field1"}},
        on_failure=[{"set": {"field": "_failed", "value": True}}],
    )
    es.index(index="test", id="1", pipeline="my_pipeline", document={"field1": "value1"})
    assert es.get(index="test", id="1")["_source"] == {
        "field1": "value1",
        "_executed": True,
        "_failed": True,
    }


def test_drop_answers_noop_and_writes_nothing(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "my_pipeline", {"drop": {"if": "ctx.foo == 'bar'"}})
    dropped = es.index(index="test", id="1", pipeline="my_pipeline", document={"foo": "bar"})
    assert dropped.meta.status == 200
    assert dropped.body == {
        "_index": "test",
        "_id": "1",
        "_version": -3,
        "result": "noop",
        "_shards": {"total": 0, "successful": 0, "failed": 0},
    }
    es.index(index="test", id="2", pipeline="my_pipeline", document={"foo": "blub"})
    assert not es.exists(index="test", id="1")
    assert es.get(index="test", id="2")["_source"] == {"foo": "blub"}


def test_bulk_with_pipelines_and_a_failing_neighbour(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "url", {"set": {"field": "via", "value": "url"}})
    put(es, "line", {"set": {"field": "via", "value": "line"}})
    put(es, "dropper", {"drop": {}})
    result = es.bulk(
        pipeline="url",
        refresh=True,
        operations=[
            {"index": {"_index": "docs", "_id": "1"}},
            {"n": 1},
            {"index": {"_index": "docs", "_id": "2", "pipeline": "missing"}},
            {"n": 2},
            {"create": {"_index": "docs", "_id": "3", "pipeline": "line"}},
            {"n": 3},
            {"index": {"_index": "docs", "pipeline": "missing"}},
            {"n": 4},
            {"index": {"_index": "docs", "_id": "5", "pipeline": "dropper"}},
            {"n": 5},
            {"index": {"_index": "docs", "_id": "6", "pipeline": "_none"}},
            {"n": 6},
        ],
    )
    assert result["errors"] is True
    first, second, third, fourth, fifth, sixth = (next(iter(i.values())) for i in result["items"])
    assert first["status"] == 201 and third["status"] == 201 and sixth["status"] == 201
    assert second["status"] == 400
    assert second["error"]["reason"] == "pipeline with id [missing] does not exist"
    assert second["_id"] == "2"
    assert fourth["_id"] == "auto-generated" and fourth["status"] == 400
    assert fifth == {
        "_index": "docs",
        "_id": "5",
        "_version": -3,
        "result": "noop",
        "_shards": {"total": 0, "successful": 0, "failed": 0},
        "status": 200,
    }
    assert es.get(index="docs", id="1")["_source"] == {"n": 1, "via": "url"}
    assert es.get(index="docs", id="3")["_source"] == {"n": 3, "via": "line"}
    assert es.get(index="docs", id="6")["_source"] == {"n": 6}
    assert es.count(index="docs")["count"] == 3


def test_a_bulk_update_naming_a_pipeline_is_refused(es: Elasticsearch) -> None:
    es.index(index="docs", id="1", document={"n": 1})
    put(es, "p", SET_FIELD2)
    result = es.bulk(
        operations=[{"update": {"_index": "docs", "_id": "1", "pipeline": "p"}}, {"doc": {"n": 2}}]
    )
    item = result["items"][0]["update"]
    assert item["status"] == 400 and "pipeline" in item["error"]["reason"]


def test_default_and_final_pipelines(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "default", {"set": {"field": "default", "value": True}})
    put(es, "final", {"set": {"field": "final", "value": True}})
    put(es, "request", {"set": {"field": "request", "value": True}})
    es.indices.create(
        index="logs",
        settings={"index.default_pipeline": "default", "index.final_pipeline": "final"},
    )
    es.index(index="logs", id="1", document={})
    es.index(index="logs", id="2", document={}, pipeline="request")
    es.index(index="logs", id="3", document={}, pipeline="_none")
    es.bulk(operations=[{"index": {"_index": "logs", "_id": "4"}}, {}])
    assert es.get(index="logs", id="1")["_source"] == {"default": True, "final": True}
    assert es.get(index="logs", id="2")["_source"] == {"request": True, "final": True}
    assert es.get(index="logs", id="3")["_source"] == {"final": True}
    assert es.get(index="logs", id="4")["_source"] == {"default": True, "final": True}


def test_default_pipeline_through_an_alias_and_a_settings_update(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "default", {"set": {"field": "default", "value": True}})
    es.indices.create(index="logs-1", aliases={"logs": {"is_write_index": True}})
    es.index(index="logs", id="1", document={})
    es.indices.put_settings(index="logs-1", settings={"index.default_pipeline": "default"})
    es.index(index="logs", id="2", document={})
    assert es.get(index="logs-1", id="1")["_source"] == {}
    assert es.get(index="logs-1", id="2")["_source"] == {"default": True}


def test_a_default_pipeline_that_does_not_exist(any_es: Elasticsearch) -> None:
    es = any_es
    es.indices.create(index="logs", settings={"index.default_pipeline": "ghost"})
    with pytest.raises(BadRequestError) as caught:
        es.index(index="logs", id="1", document={})
    assert caught.value.body["error"]["reason"] == "pipeline with id [ghost] does not exist"
    es.index(index="logs", id="1", document={}, pipeline="_none")
    assert es.exists(index="logs", id="1")


def test_processors_set_the_metadata(any_es: Elasticsearch) -> None:
    es = any_es
    put(
        es,
        "route",
        {"set": {"field": "_index", "value": "{{kind}}-events"}},
        {"set": {"field": "_id", "value": "{{code}}"}},
        {"set": {"field": "_routing", "value": "r1"}},
    )
    response = es.index(
        index="incoming", id="x", document={"kind": "audit", "code": "A7"}, pipeline="route"
    )
    assert response["_index"] == "audit-events" and response["_id"] == "A7"
    got = es.get(index="audit-events", id="A7", routing="r1")
    assert got["_routing"] == "r1" and got["_source"] == {"kind": "audit", "code": "A7"}
    assert not es.indices.exists(index="incoming")
    put(es, "bad_id", {"set": {"field": "_id", "value": 5}})
    with pytest.raises(BadRequestError) as caught:
        es.index(index="incoming", document={}, pipeline="bad_id")
    assert caught.value.body["error"]["reason"] == (
        "_id [5] is wrong type, expected assignable to [java.lang.String], not [java.lang.Integer]"
    )


def test_a_moved_document_runs_the_new_index_final_pipeline_only(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "move", {"set": {"field": "_index", "value": "target"}})
    put(es, "target_default", {"set": {"field": "target_default", "value": True}})
    put(es, "target_final", {"set": {"field": "target_final", "value": True}})
    es.indices.create(index="source", settings={"index.default_pipeline": "move"})
    es.indices.create(
        index="target",
        settings={
            "index.default_pipeline": "target_default",
            "index.final_pipeline": "target_final",
        },
    )
    es.index(index="source", id="1", document={})
    assert es.get(index="target", id="1")["_source"] == {"target_final": True}


def test_a_final_pipeline_cannot_move_a_document(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "move", {"set": {"field": "_index", "value": "elsewhere"}})
    es.indices.create(index="index", settings={"index.final_pipeline": "move"})
    with pytest.raises(ApiError) as caught:
        es.index(index="index", id="1", document={"field": "value"})
    assert caught.value.meta.status == 500
    assert caught.value.body["error"]["type"] == "illegal_state_exception"
    assert caught.value.body["error"]["reason"] == (
        "final pipeline [move] can't change the target index (from [index] to [elsewhere]) for "
        "document [1]"
    )


def test_nested_pipelines_on_a_write(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "engineering-department", {"set": {"field": "manager", "value": "john"}})
    put(es, "outer", {"pipeline": {"name": "{{org}}-department"}})
    es.index(index="test", id="1", pipeline="outer", document={"org": "engineering"})
    assert es.get(index="test", id="1")["_source"]["manager"] == "john"
    with pytest.raises(ApiError) as caught:
        es.index(index="test", id="3", pipeline="outer", document={"org": "legal"})
    assert caught.value.body["error"]["root_cause"][0] == {
        "type": "illegal_state_exception",
        "reason": "Pipeline processor configured for non-existent pipeline [legal-department]",
    }


def test_update_by_query_with_a_pipeline(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "stamp", {"set": {"field": "stamped", "value": True}})
    for n in range(3):
        es.index(index="docs", id=str(n), document={"n": n}, refresh=n == 2)
    result = es.update_by_query(index="docs", pipeline="stamp", refresh=True)
    assert result["updated"] == 3 and result["failures"] == []
    assert all(h["_source"]["stamped"] for h in es.search(index="docs")["hits"]["hits"])
    with pytest.raises(BadRequestError) as caught:
        es.update_by_query(index="docs", pipeline="missing")
    (failure,) = caught.value.body["failures"]
    assert failure["cause"]["reason"] == "pipeline with id [missing] does not exist"


def test_reindex_with_a_destination_pipeline(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "shout", {"uppercase": {"field": "name"}}, {"drop": {"if": "ctx.name == 'SKIP'"}})
    es.index(index="src", id="1", document={"name": "ann"})
    es.index(index="src", id="2", document={"name": "skip"}, refresh=True)
    result = es.reindex(
        source={"index": "src"}, dest={"index": "dst", "pipeline": "shout"}, refresh=True
    )
    assert result["created"] == 1 and result["updated"] == 1  # a drop counts as updated
    assert es.get(index="dst", id="1")["_source"] == {"name": "ANN"}
    assert not es.exists(index="dst", id="2")


def test_pipelines_survive_a_restart(tmp_path: Any) -> None:
    from djangoes_engine import Engine, Request

    engine = Engine(str(tmp_path))
    body = b'{"processors": [{"set": {"field": "kept", "value": true}}]}'
    assert engine.handle(Request.from_target("PUT", "/_ingest/pipeline/p", body, {})).status == 200
    engine.close()
    reopened = Engine(str(tmp_path))
    try:
        response = reopened.handle(
            Request.from_target("PUT", "/docs/_doc/1?pipeline=p&refresh=true", b"{}", {})
        )
        assert response.status == 201
        assert reopened.indices["docs"].get("1").source_dict() == {"kept": True}
    finally:
        reopened.close()


def test_a_script_that_makes_the_document_hold_itself(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "loop", {"script": {"ignore_failure": True, "source": "ctx.foo = ctx"}})
    with pytest.raises(BadRequestError) as caught:
        es.index(index="test", id="1", pipeline="loop", document={"foo": "bar"})
    assert caught.value.body["error"]["root_cause"][0]["reason"] == (
        "Failed to generate the source document for ingest pipeline [loop] for document [test/1]"
    )
    simulated = es.ingest.simulate(id="loop", docs=[{"_source": {}}])
    assert simulated["docs"][0]["error"]["type"] == "illegal_argument_exception"


def test_sort(es: Elasticsearch) -> None:
    assert source_after(
        es,
        {"sort": {"field": "words"}},
        {"sort": {"field": "numbers", "order": "desc", "target_field": "ranked"}},
        words=["pear", "apple", "fig"],
        numbers=[3, 10.5, 1],
    ) == {"words": ["apple", "fig", "pear"], "numbers": [3, 10.5, 1], "ranked": [10.5, 3, 1]}
    with pytest.raises(BadRequestError) as caught:
        es.ingest.put_pipeline(id="p", processors=[{"sort": {"field": "x", "order": "up"}}])
    assert caught.value.body["error"]["reason"] == (
        "[order] Sort direction [up] not recognized. Valid values are: [asc, desc]"
    )


def test_elasticsearch_processors_not_implemented_here_are_refused_as_such(
    es: Elasticsearch,
) -> None:
    with pytest.raises(BadRequestError) as caught:
        es.ingest.put_pipeline(id="p", processors=[{"grok": {"field": "m", "patterns": ["x"]}}])
    error = caught.value.body["error"]
    assert error["reason"] == (
        "the [grok] ingest processor is not supported by the djangoes embedded engine"
    )
    assert error["processor_type"] == "grok"


def test_foreach_over_a_map_and_ignore_missing_options(es: Elasticsearch) -> None:
    assert source_after(
        es,
        {
            "foreach": {
                "field": "prices",
                "processor": {"convert": {"field": "_ingest._value", "type": "double"}},
            }
        },
        {"rename": {"field": "gone", "target_field": "x", "ignore_missing": True}},
        {"convert": {"field": "gone", "type": "integer", "ignore_missing": True}},
        prices={"apple": "1.5", "pear": "2"},
    ) == {"prices": {"apple": 1.5, "pear": 2.0}}


def test_a_failure_in_a_nested_pipeline_names_its_pipeline(es: Elasticsearch) -> None:
    put(es, "inner", {"fail": {"tag": "boom", "message": "inner failed"}})
    result = es.ingest.simulate(
        pipeline={
            "processors": [{"pipeline": {"name": "inner"}}],
            "on_failure": [
                {"set": {"field": "where", "value": "{{_ingest.on_failure_pipeline}}"}},
                {"set": {"field": "tag", "value": "{{_ingest.on_failure_processor_tag}}"}},
            ],
        },
        docs=[{"_source": {}}],
    )
    assert result["docs"][0]["doc"]["_source"] == {"where": "inner", "tag": "boom"}


def test_strict_json_parsing(es: Elasticsearch) -> None:
    processor = {"json": {"field": "raw", "target_field": "parsed"}}
    assert error_of(es, processor, raw='123 "foo"')["reason"] == (
        'The input 123 "foo" is not valid JSON and the strict_json_parsing parameter is true'
    )
    lenient = {"json": {"field": "raw", "target_field": "parsed", "strict_json_parsing": False}}
    assert source_after(es, lenient, raw='123 "foo"')["parsed"] == 123


def test_verbose_simulate_with_an_error_in_a_called_pipeline(any_es: Elasticsearch) -> None:
    es = any_es
    put(es, "my_pipeline", {"rename": {"field": "does_not_exist", "target_field": "_value"}})
    result = es.ingest.simulate(
        verbose=True,
        pipeline={"processors": [{"pipeline": {"name": "my_pipeline"}}]},
        docs=[{"_index": "index", "_id": "id", "_source": {"foo": "bar"}}],
    )
    called, failed = result["docs"][0]["processor_results"]
    assert (called["processor_type"], called["status"]) == ("pipeline", "success")
    assert (failed["processor_type"], failed["status"]) == ("rename", "error")
    assert failed["error"]["reason"] == "field [does_not_exist] doesn't exist"
