"""Data directories: what is acknowledged survives a SIGKILL, and one process owns a directory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch, helpers

from djangoes_engine import Engine
from djangoes_engine.errors import DataDirectoryLocked

from .servers import kill, serve


@pytest.mark.slow
def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    process, url = serve(tmp_path)
    es = Elasticsearch(url)
    try:
        es.indices.create(
            index="books",
            settings={"refresh_interval": "-1"},
            mappings={"properties": {"title": {"type": "text"}}},
        )
        # Refreshed, then written without any refresh, then updated and deleted: every one of
        # these responses is an acknowledgement.
        es.index(index="books", id="refreshed", document={"title": "refreshed"}, refresh=True)
        helpers.bulk(
            es, ({"_index": "books", "_id": str(n), "title": f"bulk {n}"} for n in range(500))
        )
        es.index(index="books", id="plain", document={"title": "never refreshed"})
        es.update(index="books", id="plain", doc={"extra": 1})
        es.delete(index="books", id="7")
        es.index(index="dynamic", id="1", document={"created": "2024-01-02", "n": 3})
    finally:
        es.close()
        kill(process)

    process, url = serve(tmp_path)
    es = Elasticsearch(url)
    try:
        assert es.get(index="books", id="refreshed")["_source"] == {"title": "refreshed"}
        assert es.get(index="books", id="plain")["_source"] == {
            "title": "never refreshed",
            "extra": 1,
        }
        assert es.get(index="books", id="plain")["_version"] == 2
        assert not es.exists(index="books", id="7")
        es.indices.refresh(index="books")
        assert es.count(index="books")["count"] == 1 + 500 - 1 + 1
        hits = es.search(index="books", query={"match": {"title": "bulk"}}, size=0)
        assert hits["hits"]["total"]["value"] == 499
        mapping = es.indices.get_mapping(index="dynamic")["dynamic"]["mappings"]
        assert mapping["properties"]["created"] == {"type": "date"}
        # Sequence numbers continue where they stopped, deletes included.
        assert es.index(index="books", id="after", document={"title": "x"})["_seq_no"] == 504
    finally:
        es.close()
        kill(process)


@pytest.mark.slow
def test_kill_during_bulk_loses_nothing_acknowledged(tmp_path: Path) -> None:
    process, url = serve(tmp_path)
    es = Elasticsearch(url)
    acknowledged: list[str] = []
    try:
        for batch in range(20):
            ids = [f"{batch}-{n}" for n in range(100)]
            response = es.bulk(
                operations=[
                    line
                    for doc_id in ids
                    for line in ({"index": {"_index": "load", "_id": doc_id}}, {"n": doc_id})
                ]
            )
            assert not response["errors"]
            acknowledged += ids
    finally:
        es.close()
        kill(process)
    process, url = serve(tmp_path)
    es = Elasticsearch(url)
    try:
        found = es.mget(index="load", ids=acknowledged)["docs"]
        assert all(doc["found"] for doc in found)
    finally:
        es.close()
        kill(process)


def test_a_second_process_gets_a_clear_error(tmp_path: Path) -> None:
    process, _ = serve(tmp_path)
    try:
        with pytest.raises(DataDirectoryLocked, match="is in use by process"):
            Engine(str(tmp_path))
        second = subprocess.run(
            [
                sys.executable,
                "-m",
                "djangoes_engine.cli",
                "serve",
                "--port",
                "0",
                "--data",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode == 1
        assert "in use by process" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        kill(process)


def test_restart_in_process_keeps_indices_settings_and_aliases(tmp_path: Path) -> None:
    engine = Engine(str(tmp_path))
    from djangoes_engine import Request

    def call(method: str, path: str, body: bytes = b"") -> int:
        return engine.handle(Request.from_target(method, path, body, {})).status

    assert (
        call(
            "PUT",
            "/kept",
            b'{"settings": {"number_of_replicas": 0}, "aliases": {"kept-alias": {}}}',
        )
        == 200
    )
    assert call("PUT", "/kept/_doc/1?refresh=true", b'{"a": "b"}') == 201
    engine.close()
    started = time.monotonic()
    reopened = Engine(str(tmp_path))
    assert time.monotonic() - started < 5
    index = reopened.indices["kept"]
    assert index.settings.get("index.number_of_replicas") == "0"
    assert "kept-alias" in index.aliases
    assert index.get("1").source_dict() == {"a": "b"}
    reopened.close()
    assert not os.path.exists(tmp_path / "indices" / index.uuid / "store-1")
