"""Admin and operations APIs through the stock client: snapshots, cluster settings, pending
tasks, cluster state, closing and opening indices. Expected answers: Elasticsearch 9's, on an
empty cluster and where there is state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError

from djangoes_backends_embedded import client as embedded_client
from djangoes_engine.engines import close_engine


def error_of(exc: pytest.ExceptionInfo[ApiError]) -> dict[str, Any]:
    return exc.value.body["error"]


# Snapshots: no repositories


def test_snapshot_repositories_are_empty_and_a_named_one_is_missing(any_es: Elasticsearch) -> None:
    assert any_es.snapshot.get_repository() == {}
    assert any_es.snapshot.get_repository(name="_all") == {}
    assert any_es.snapshot.status() == {"snapshots": []}
    with pytest.raises(NotFoundError) as exc:
        any_es.snapshot.get_repository(name="backups")
    assert error_of(exc) | {"root_cause": None} == {
        "type": "repository_missing_exception",
        "reason": "[backups] missing",
        "root_cause": None,
    }
    with pytest.raises(NotFoundError) as exc:
        any_es.snapshot.get(repository="backups", snapshot="_all")
    assert error_of(exc)["type"] == "repository_missing_exception"
    with pytest.raises(BadRequestError) as exc:
        any_es.snapshot.create_repository(
            name="backups", repository={"type": "fs", "settings": {"location": "/tmp"}}
        )
    assert "snapshot" in error_of(exc)["reason"]


# Cluster settings and pending tasks


def test_cluster_settings_are_kept_reset_and_checked(any_es: Elasticsearch) -> None:
    assert any_es.cluster.get_settings() == {"persistent": {}, "transient": {}}
    any_es.cluster.put_settings(
        persistent={"cluster.routing.allocation.enable": "primaries"},
        transient={"indices.recovery.max_bytes_per_sec": "50mb"},
    )
    assert any_es.cluster.get_settings(flat_settings=True) == {
        "persistent": {"cluster.routing.allocation.enable": "primaries"},
        "transient": {"indices.recovery.max_bytes_per_sec": "50mb"},
    }
    nested = any_es.cluster.get_settings()["persistent"]
    assert nested == {"cluster": {"routing": {"allocation": {"enable": "primaries"}}}}
    any_es.cluster.put_settings(persistent={"cluster.routing.*": None}, transient={"*": None})
    assert any_es.cluster.get_settings() == {"persistent": {}, "transient": {}}
    with pytest.raises(BadRequestError) as exc:
        any_es.cluster.put_settings(persistent={"no.such.setting": 1})
    assert error_of(exc)["reason"].startswith("persistent setting [no.such.setting]")
    assert any_es.cluster.pending_tasks() == {"tasks": []}


def test_persistent_settings_survive_a_restart_and_transient_do_not(tmp_path: Path) -> None:
    client = embedded_client(str(tmp_path))
    client.cluster.put_settings(
        persistent={"action.auto_create_index": "false"},
        transient={"action.destructive_requires_name": "true"},
    )
    client.close()
    close_engine(str(tmp_path))
    reopened = embedded_client(str(tmp_path))
    try:
        assert reopened.cluster.get_settings(flat_settings=True) == {
            "persistent": {"action.auto_create_index": "false"},
            "transient": {},
        }
    finally:
        reopened.close()
        close_engine(str(tmp_path))


def test_auto_create_index_setting_is_applied(any_es: Elasticsearch) -> None:
    any_es.cluster.put_settings(persistent={"action.auto_create_index": "+logs-*,-*"})
    any_es.index(index="logs-1", document={"a": 1})
    with pytest.raises(NotFoundError) as exc:
        any_es.index(index="other", document={"a": 1})
    assert error_of(exc)["type"] == "index_not_found_exception"
    assert "action.auto_create_index" in error_of(exc)["reason"]
    assert any_es.indices.exists(index="logs-1")
    assert not any_es.indices.exists(index="other")


def test_destructive_requires_name_refuses_wildcard_deletes(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="keep")
    any_es.cluster.put_settings(transient={"action.destructive_requires_name": True})
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.delete(index="*")
    assert "Wildcard expressions or all indices are not allowed" in error_of(exc)["reason"]
    assert any_es.indices.exists(index="keep")
    any_es.cluster.put_settings(transient={"action.destructive_requires_name": None})
    any_es.indices.delete(index="*")
    assert not any_es.indices.exists(index="keep")


# Cluster state


def test_cluster_state_metrics_and_index_filter(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books", mappings={"properties": {"t": {"type": "text"}}})
    any_es.indices.create(index="films")
    state = any_es.cluster.state(metric="metadata", index="books")
    assert set(state) == {"cluster_name", "cluster_uuid", "metadata"}
    books = state["metadata"]["indices"]
    assert list(books) == ["books"] and books["books"]["state"] == "open"
    assert books["books"]["mappings"]["_doc"]["properties"] == {"t": {"type": "text"}}
    whole = any_es.cluster.state()
    assert {"version", "master_node", "nodes", "metadata", "routing_table"} <= set(whole)
    assert set(whole["metadata"]["indices"]) == {"books", "films"}
    with pytest.raises(BadRequestError) as exc:
        any_es.cluster.state(metric="nonsense")
    assert "unrecognized metric: [nonsense]" in error_of(exc)["reason"]


# Close and open


def test_a_closed_index_refuses_reads_and_writes_until_opened(any_es: Elasticsearch) -> None:
    any_es.index(index="books", id="1", document={"title": "Dune"}, refresh=True)
    response = any_es.indices.close(index="books")
    assert response["acknowledged"] and response["indices"] == {"books": {"closed": True}}
    for call in (
        lambda: any_es.search(index="books"),
        lambda: any_es.get(index="books", id="1"),
        lambda: any_es.index(index="books", id="2", document={"title": "Emma"}),
    ):
        with pytest.raises(BadRequestError) as exc:
            call()
        assert error_of(exc)["type"] == "index_closed_exception"
        assert error_of(exc)["index"] == "books"
    # Wildcards skip a closed index; metadata APIs still see it.
    assert any_es.search(index="*")["hits"]["total"]["value"] == 0
    assert "books" in any_es.indices.get_mapping(index="books")
    assert any_es.indices.exists(index="books")
    state = any_es.cluster.state(metric="metadata", index="books")["metadata"]["indices"]
    assert state["books"]["state"] == "close"
    row = any_es.cat.indices(index="books", format="json")[0]
    assert (row["status"], row["docs.count"]) == ("close", None)
    any_es.indices.open(index="books")
    assert any_es.get(index="books", id="1")["_source"] == {"title": "Dune"}


def test_analysis_changes_on_a_closed_index_apply_when_opened(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books", mappings={"properties": {"t": {"type": "text"}}})
    any_es.index(index="books", id="1", document={"t": "Running"}, refresh=True)
    analysis = {"analyzer": {"default": {"tokenizer": "keyword"}}}
    with pytest.raises(BadRequestError):
        any_es.indices.put_settings(index="books", settings={"analysis": analysis})
    any_es.indices.close(index="books")
    any_es.indices.put_settings(index="books", settings={"analysis": analysis})
    any_es.indices.open(index="books")
    # The document is analysed anew: one keyword token, no longer the word "running".
    assert any_es.count(index="books", query={"match": {"t": "running"}})["count"] == 0
    assert any_es.count(index="books", query={"term": {"t": "Running"}})["count"] == 1


def test_aliases_and_deletes_reach_a_closed_index(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    any_es.indices.create(index="films")
    any_es.indices.close(index="books")
    any_es.indices.put_alias(index="books", name="library")
    assert any_es.indices.get_alias(name="library") == {"books": {"aliases": {"library": {}}}}
    any_es.indices.delete_alias(index="books", name="library")
    any_es.indices.delete(index="books,films")
    assert any_es.indices.get(index="*", expand_wildcards="all") == {}


def test_closing_a_missing_index_is_404(any_es: Elasticsearch) -> None:
    with pytest.raises(NotFoundError) as exc:
        any_es.indices.close(index="nothing")
    assert error_of(exc)["type"] == "index_not_found_exception"
