"""Zero-downtime rebuilds (``djangoes.rebuild``), driven as code, on a real server.

A rebuild copies the live index (reindex) or the documents ``SOURCE`` yields into a new
versioned index and moves every alias to it in one call; writes made meanwhile are caught up;
a failure leaves the aliases where they were, and nothing of the new index behind.
"""

from __future__ import annotations

from typing import Any

import pytest

from djangoes.backends.library import plain
from djangoes.live import live_index
from djangoes.rebuild import RebuildError, abort, rebuild
from djangoes.rebuild.names import marker
from djangoes.rebuild.process import Rebuild
from tests.libraries import bulk, error

from .helpers import documents, handler_of

pytestmark = pytest.mark.usefixtures("configured")

#: What ``source_documents`` yields; a test sets it.
SOURCE: list[Any] = []


def source_documents() -> list[Any]:
    return list(SOURCE)


def failing_source() -> Any:
    yield ("1", {"title": "one"})
    raise RuntimeError("the database went away")


@pytest.fixture
def handler(server: dict[str, Any], prefix: str) -> Any:
    return handler_of(
        server,
        {
            "blog": {
                "NAME": f"{prefix}blog",
                "ALIASES": [f"{prefix}blog-read"],
                "SETTINGS": {"mappings": {"properties": {"title": {"type": "keyword"}}}},
            }
        },
    )


@pytest.fixture
def connection(handler: Any) -> Any:
    connection = handler["default"]
    name = connection.server_indices["blog"]["NAME"]
    connection.client.indices.create(index=name, **connection.get_indices_with_settings()[name])
    actions = ({"_id": str(n), "title": f"post {n}"} for n in range(25))
    bulk(connection, actions, refresh=True)
    return connection


def indices_of(connection: Any, prefix: str) -> set[str]:
    """Every index whose name starts with ``prefix``, hidden ones included."""
    found = connection.client.indices.get(index=f"{prefix}*", expand_wildcards="all")
    return set(plain(found))


# Reindexing the live index


def test_the_first_rebuild_turns_name_into_an_alias(connection: Any, prefix: str) -> None:
    result = rebuild(connection, "blog", batch_size=10)

    assert result.old == f"{prefix}blog"
    assert result.new.startswith(f"{prefix}blog__")
    assert (result.copied, result.caught_up, result.kept_old) == (25, 0, False)
    live = live_index(connection.client, f"{prefix}blog")
    assert live.index == result.new
    assert set(live.aliases) == {f"{prefix}blog", f"{prefix}blog-read"}
    assert indices_of(connection, prefix) == {result.new}
    assert documents(connection, f"{prefix}blog-read")["7"] == {"title": "post 7"}
    connection.index(id="new", document={"title": "after"})  # writes go to the new index
    assert connection.get(id="new", index=result.new)["found"]


def test_a_second_rebuild_replaces_the_first(connection: Any, prefix: str) -> None:
    first = rebuild(connection, "blog")
    second = rebuild(connection, "blog")
    assert second.old == first.new != second.new
    assert indices_of(connection, prefix) == {second.new}
    assert len(documents(connection, f"{prefix}blog")) == 25


def test_keep_old_keeps_it_writable_and_unaliased(connection: Any, prefix: str) -> None:
    first = rebuild(connection, "blog")
    second = rebuild(connection, "blog", keep_old=True)
    assert second.kept_old
    assert indices_of(connection, prefix) == {first.new, second.new}
    assert live_index(connection.client, first.new).aliases == {}
    connection.client.index(index=first.new, id="x", document={"title": "old"})


def test_keep_old_is_refused_when_name_is_an_index(connection: Any, prefix: str) -> None:
    with pytest.raises(RebuildError, match=r"is an index, not an alias.*--keep-old cannot keep"):
        rebuild(connection, "blog", keep_old=True)
    assert indices_of(connection, prefix) == {f"{prefix}blog"}


def test_the_new_index_has_the_current_settings(handler: Any, connection: Any) -> None:
    mapping = {"properties": {"title": {"type": "text"}, "year": {"type": "integer"}}}
    connection.server_indices["blog"]["SETTINGS"] = {
        "mappings": mapping,
        "aliases": {"recent": {"filter": {"range": {"year": {"gte": 2000}}}}},
    }
    result = rebuild(connection, "blog")
    assert connection.client.indices.get_mapping(index=result.new)[result.new]["mappings"] == (
        mapping
    )
    aliases = live_index(connection.client, result.new).aliases
    assert aliases["recent"]["filter"] == {"range": {"year": {"gte": 2000}}}


def test_aliases_added_by_hand_follow_the_index(connection: Any, prefix: str) -> None:
    rebuild(connection, "blog")
    connection.client.indices.put_alias(index=f"{prefix}blog", name=f"{prefix}by-hand")
    result = rebuild(connection, "blog")
    assert f"{prefix}by-hand" in live_index(connection.client, result.new).aliases


def test_routing_is_kept(connection: Any, prefix: str) -> None:
    connection.index(id="routed", routing="shard-a", document={"title": "r"}, refresh=True)
    result = rebuild(connection, "blog")
    found = connection.client.get(index=result.new, id="routed", routing="shard-a")
    assert found["_routing"] == "shard-a"


def test_progress_is_reported(connection: Any) -> None:
    seen = []
    rebuild(connection, "blog", progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 25) and seen[-1] == (25, 25)


# From SOURCE


def test_source_is_the_truth(connection: Any, prefix: str) -> None:
    SOURCE[:] = [
        ("1", {"title": "one"}),
        {"_id": "2", "title": "two"},
        {"_id": 3, "_source": {"title": "three"}, "_routing": "r"},
        {"title": "no id"},
    ]
    connection.server_indices["blog"]["SOURCE"] = f"{__name__}.source_documents"

    result = rebuild(connection, "blog")

    found = documents(connection, f"{prefix}blog")
    assert result.copied == 4
    assert found.pop("1") == {"title": "one"}
    assert found.pop("2") == {"title": "two"}
    assert found.pop("3") == {"title": "three"}
    assert list(found.values()) == [{"title": "no id"}]  # the 25 live ones are gone
    assert connection.client.get(index=result.new, id="3", routing="r")["found"]


def test_source_as_a_callable_in_settings(connection: Any, prefix: str) -> None:
    connection.server_indices["blog"]["SOURCE"] = lambda: iter([("a", {"title": "a"})])
    rebuild(connection, "blog")
    assert documents(connection, f"{prefix}blog") == {"a": {"title": "a"}}


def test_a_source_that_cannot_be_imported(connection: Any, prefix: str) -> None:
    connection.server_indices["blog"]["SOURCE"] = "tests.nowhere.documents"
    with pytest.raises(Exception, match=r"\['SOURCE'\] 'tests.nowhere.documents' could not be"):
        rebuild(connection, "blog")
    assert indices_of(connection, prefix) == {f"{prefix}blog"}


# Failures leave the live index live, and nothing behind


def assert_untouched(connection: Any, prefix: str, before: dict[str, Any]) -> None:
    assert indices_of(connection, prefix) == {f"{prefix}blog"}
    live = live_index(connection.client, f"{prefix}blog")
    assert live.index == f"{prefix}blog" and set(live.aliases) == {f"{prefix}blog-read"}
    assert documents(connection, f"{prefix}blog") == before
    connection.index(id="writable", document={"title": "still"})  # no write block left


def test_a_source_failing_half_way(connection: Any, prefix: str) -> None:
    before = documents(connection, f"{prefix}blog")
    connection.server_indices["blog"]["SOURCE"] = f"{__name__}.failing_source"
    with pytest.raises(RebuildError) as raised:
        rebuild(connection, "blog")
    assert str(raised.value) == (
        f"The rebuild of '{prefix}blog' failed, and '{prefix}blog' is still live: "
        "the database went away"
    )
    assert_untouched(connection, prefix, before)


def test_a_document_the_new_index_refuses(connection: Any, prefix: str) -> None:
    before = documents(connection, f"{prefix}blog")
    connection.server_indices["blog"]["SETTINGS"] = {
        "mappings": {"dynamic": "strict", "properties": {"body": {"type": "text"}}}
    }
    with pytest.raises(RebuildError, match="strict_dynamic_mapping_exception"):
        rebuild(connection, "blog")
    assert_untouched(connection, prefix, before)


def test_a_failure_during_the_final_pass_lifts_the_write_block(
    connection: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = documents(connection, f"{prefix}blog")
    monkeypatch.setattr(Rebuild, "_swap", lambda self, live: 1 / 0)
    with pytest.raises(RebuildError, match="division by zero"):
        rebuild(connection, "blog")
    assert_untouched(connection, prefix, before)


def test_a_missing_index_is_not_rebuilt(handler: Any, prefix: str) -> None:
    with pytest.raises(RebuildError, match=f"'{prefix}blog'.*does not exist on connection"):
        rebuild(handler["default"], "blog")


def test_an_unknown_index_is_not_rebuilt(connection: Any) -> None:
    with pytest.raises(RebuildError, match="does not serve the index 'books'"):
        rebuild(connection, "books")


def test_a_by_query_write_during_the_rebuild_cancels_it(connection: Any, prefix: str) -> None:
    def source() -> Any:
        connection.delete_by_query(query={"term": {"_id": "0"}}, refresh=True)
        yield ("1", {"title": "one"})

    connection.server_indices["blog"]["SOURCE"] = source
    with pytest.raises(RebuildError, match="a delete_by_query or update_by_query ran"):
        rebuild(connection, "blog")
    assert indices_of(connection, prefix) == {f"{prefix}blog"}
    assert "0" not in documents(connection, f"{prefix}blog")  # the delete itself was done


# An interrupted rebuild (its process killed)


def test_an_interrupted_rebuild_is_refused_then_aborted(
    connection: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Rebuild, "_swap", lambda self, live: 1 / 0)
    monkeypatch.setattr(Rebuild, "_undo", lambda self, live: "")  # as if killed
    with pytest.raises(RebuildError):
        rebuild(connection, "blog")
    with pytest.raises(error(connection, "forbidden")):  # the write block is still there
        connection.client.index(index=f"{prefix}blog", id="x", document={})
    monkeypatch.undo()

    with pytest.raises(RebuildError, match=r"is running, or was interrupted.*--abort blog"):
        rebuild(connection, "blog")
    journal = abort(connection, "blog")

    assert journal is not None and journal.endswith(".djangoes-journal")
    assert indices_of(connection, prefix) == {f"{prefix}blog"}
    assert not connection.client.indices.exists_alias(
        name=marker(f"{prefix}blog"), expand_wildcards="all"
    )
    connection.client.index(index=f"{prefix}blog", id="x", document={})
    assert abort(connection, "blog") is None
    rebuild(connection, "blog")
