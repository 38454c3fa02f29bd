"""Index templates through the stock client: legacy, composable and component templates, applied
to new indices by pattern and priority as Elasticsearch applies them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from elasticsearch import (
    ApiError,
    BadRequestError,
    Elasticsearch,
    ElasticsearchWarning,
    NotFoundError,
)


def error_of(exc: pytest.ExceptionInfo[ApiError]) -> dict[str, Any]:
    return exc.value.body["error"]


def index_of(es: Elasticsearch, name: str) -> dict[str, Any]:
    return es.indices.get(index=name)[name]


def warnings_ignored(call: Callable[..., Any]) -> Callable[..., Any]:
    """A client call whose deprecation warning (legacy templates) is expected, not shown."""

    def quiet(**kwargs: Any) -> Any:
        with pytest.warns(ElasticsearchWarning):
            return call(**kwargs)

    return quiet


def test_legacy_templates_merge_by_order_and_the_request_wins(any_es: Elasticsearch) -> None:
    put_legacy = warnings_ignored(any_es.indices.put_template)
    put_legacy(
        name="base",
        index_patterns=["logs-*"],
        order=0,
        settings={"number_of_replicas": 0, "refresh_interval": "5s"},
        mappings={"properties": {"msg": {"type": "text"}, "level": {"type": "keyword"}}},
        aliases={"all-logs": {}, "{index}-alias": {}},
    )
    put_legacy(
        name="later",
        index_patterns=["logs-*"],
        order=1,
        settings={"refresh_interval": "10s"},
        mappings={"properties": {"level": {"type": "integer"}}},
    )
    any_es.indices.create(index="logs-1", settings={"number_of_replicas": 1})
    created = index_of(any_es, "logs-1")
    assert created["settings"]["index"]["refresh_interval"] == "10s"
    assert created["settings"]["index"]["number_of_replicas"] == "1"
    assert created["mappings"]["properties"] == {
        "msg": {"type": "text"},
        "level": {"type": "integer"},
    }
    assert set(created["aliases"]) == {"all-logs", "logs-1-alias"}
    any_es.indices.create(index="other")
    assert index_of(any_es, "other")["mappings"] == {}


def test_legacy_template_put_warns_get_exists_and_delete(any_es: Elasticsearch) -> None:
    with pytest.warns(ElasticsearchWarning, match="Legacy index templates are deprecated"):
        any_es.indices.put_template(name="t1", index_patterns=["a*"], order=3)
    got = any_es.indices.get_template(name="t1")["t1"]
    assert got["index_patterns"] == ["a*"] and got["order"] == 3
    assert any_es.indices.exists_template(name="t1")
    assert not any_es.indices.exists_template(name="t2")
    with pytest.raises(NotFoundError):
        any_es.indices.get_template(name="t2")
    with pytest.raises(NotFoundError) as exc:
        any_es.indices.delete_template(name="t2")
    assert error_of(exc)["type"] == "index_template_missing_exception"
    assert any_es.indices.delete_template(name="*")["acknowledged"]
    assert any_es.indices.get_template() == {}
    assert any_es.indices.delete_template(name="*")["acknowledged"]  # nothing left: fine


def test_composable_template_with_components_applies_by_priority(any_es: Elasticsearch) -> None:
    any_es.cluster.put_component_template(
        name="shared",
        template={
            "settings": {"number_of_replicas": 0},
            "mappings": {"properties": {"a": {"type": "keyword"}, "b": {"type": "long"}}},
        },
    )
    any_es.indices.put_index_template(
        name="low", index_patterns=["items-*"], priority=1, template={"aliases": {"low": {}}}
    )
    any_es.indices.put_index_template(
        name="high",
        index_patterns=["items-*"],
        priority=5,
        composed_of=["shared"],
        template={"mappings": {"properties": {"b": {"type": "text"}}}},
    )
    # A legacy template is ignored when a composable one matches.
    warnings_ignored(any_es.indices.put_template)(
        name="legacy", index_patterns=["items-*"], aliases={"old": {}}
    )
    any_es.indices.create(index="items-1")
    created = index_of(any_es, "items-1")
    assert created["mappings"]["properties"] == {"a": {"type": "keyword"}, "b": {"type": "text"}}
    assert created["settings"]["index"]["number_of_replicas"] == "0"
    assert created["aliases"] == {}
    simulated = any_es.indices.simulate_index_template(name="items-2")
    assert simulated["template"]["mappings"]["properties"]["b"] == {"type": "text"}
    assert [o["name"] for o in simulated["overlapping"]] == ["legacy", "low"]


def test_composable_template_errors(any_es: Elasticsearch) -> None:
    any_es.indices.put_index_template(name="one", index_patterns=["x-*"], priority=2)
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.put_index_template(name="two", index_patterns=["x-*"], priority=2)
    assert "have the same priority" in error_of(exc)["reason"]
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.put_index_template(
            name="three", index_patterns=["y-*"], composed_of=["nope"]
        )
    assert "nope" in error_of(exc)["reason"]
    with pytest.raises(NotFoundError) as exc:
        any_es.indices.get_index_template(name="missing")
    assert error_of(exc)["reason"] == "index template matching [missing] not found"
    with pytest.raises(NotFoundError):
        any_es.indices.delete_index_template(name="missing")
    assert any_es.indices.exists_index_template(name="one")
    assert any_es.indices.delete_index_template(name="*")["acknowledged"]
    assert any_es.indices.get_index_template()["index_templates"] == []


def test_component_template_in_use_cannot_be_deleted(any_es: Elasticsearch) -> None:
    any_es.cluster.put_component_template(name="c1", template={"settings": {"number_of_shards": 1}})
    any_es.indices.put_index_template(name="uses", index_patterns=["z-*"], composed_of=["c1"])
    with pytest.raises(BadRequestError) as exc:
        any_es.cluster.delete_component_template(name="c1")
    assert "c1" in error_of(exc)["reason"] and "uses" in error_of(exc)["reason"]
    any_es.indices.delete_index_template(name="uses")
    assert any_es.cluster.delete_component_template(name="c1")["acknowledged"]
    with pytest.raises(NotFoundError):
        any_es.cluster.get_component_template(name="c1")


def test_templates_with_invalid_mappings_are_refused(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError):
        any_es.indices.put_index_template(
            name="bad",
            index_patterns=["bad-*"],
            template={"mappings": {"properties": {"a": {"type": "no_such_type"}}}},
        )
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.put_index_template(
            name="bad", body={"index_patterns": ["bad-*"], "nonsense": 1}
        )
    assert "nonsense" in error_of(exc)["reason"]
    assert not any_es.indices.exists_index_template(name="bad")


def test_the_write_that_creates_an_index_runs_its_templates_pipelines(
    any_es: Elasticsearch,
) -> None:
    any_es.ingest.put_pipeline(id="tag", processors=[{"set": {"field": "tagged", "value": True}}])
    any_es.indices.put_index_template(
        name="logs", index_patterns=["logs-*"], template={"settings": {"default_pipeline": "tag"}}
    )
    any_es.indices.put_index_template(
        name="events",
        index_patterns=["events-*"],
        data_stream={},
        template={"settings": {"final_pipeline": "tag"}},
    )
    any_es.index(index="logs-1", id="1", document={"a": 1})
    assert any_es.get(index="logs-1", id="1")["_source"] == {"a": 1, "tagged": True}
    any_es.index(index="events-1", document={"@timestamp": "2024-01-01"}, refresh=True)
    (hit,) = any_es.search(index="events-1")["hits"]["hits"]
    assert hit["_source"] == {"@timestamp": "2024-01-01", "tagged": True}
