"""A rebuild while threads keep writing loses no acknowledged write and resurrects no delete.

Each writer thread owns its documents and keeps a model of them: what the index must hold once
its writes are acknowledged (index, update, delete, and bulks of index and delete through
``elasticsearch.helpers``, with auto ids too). Writers start before the rebuild and stop after
it, so writes land before the marker is known, during the copy, during the catch-up, while the
old index is blocked, and after the aliases have moved. At the end the live index must be
exactly the seed documents plus every writer's model.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from djangoes.rebuild import rebuild
from tests.libraries import bulk

from .helpers import documents, handler_of

pytestmark = pytest.mark.usefixtures("configured")

SEED = 300
WRITERS = 4


class Writer(threading.Thread):
    """Writes to its own documents through its thread's connection, until told to stop."""

    def __init__(self, handler: Any, number: int, database: dict[str, Any] | None) -> None:
        super().__init__()
        self.handler = handler
        self.number = number
        self.random = random.Random(number)
        self.model: dict[str, Any] = {}
        #: A stand-in for the project's database, which SOURCE reads: written first, as a
        #: Django model is saved before its document is indexed.
        self.database = database
        self.stop = threading.Event()
        self.writes = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        connection = self.handler["default"]
        try:
            while not self.stop.is_set():
                self.write(connection)
        except BaseException as error:
            self.error = error

    def change(self, doc_id: str, document: dict[str, Any] | None) -> None:
        for state in (self.model, self.database):
            if state is None:
                continue
            if document is None:
                state.pop(doc_id, None)
            else:
                state[doc_id] = document

    def write(self, connection: Any) -> None:
        self.writes += 1
        number = self.writes
        doc_id = f"w{self.number}-{self.random.randrange(40)}"
        operation = self.random.choice(["index", "update", "delete", "bulk", "auto-id"])
        if operation == "index":
            self.change(doc_id, {"title": f"index {number}"})
            connection.index(id=doc_id, document={"title": f"index {number}"})
        elif operation == "update" and doc_id in self.model:
            document = {**self.model[doc_id], "extra": number}
            self.change(doc_id, document)
            connection.update(id=doc_id, doc={"extra": number})
        elif operation == "delete" and doc_id in self.model:
            self.change(doc_id, None)
            connection.delete(id=doc_id)
        elif operation == "bulk":
            actions = []
            for other in {f"w{self.number}-{self.random.randrange(40)}" for _ in range(4)}:
                if other in self.model and self.random.random() < 0.4:
                    self.change(other, None)
                    actions.append({"_op_type": "delete", "_id": other})
                else:
                    self.change(other, {"title": f"bulk {number}"})
                    actions.append({"_id": other, "title": f"bulk {number}"})
            bulk(connection, actions)
        elif operation == "auto-id":
            response = connection.index(document={"title": f"auto {number}"})
            self.change(response["_id"], {"title": f"auto {number}"})


def seed(connection: Any) -> dict[str, Any]:
    name = connection.server_indices["blog"]["NAME"]
    connection.client.indices.create(index=name, **connection.get_indices_with_settings()[name])
    seeded = {f"seed-{n}": {"title": f"seed {n}"} for n in range(SEED)}
    bulk(connection, ({"_id": k, **v} for k, v in seeded.items()), refresh=True)
    return seeded


def rebuild_while_writing(
    handler: Any, database: dict[str, Any] | None, run: Callable[[Any], Any]
) -> tuple[Any, list[Writer]]:
    writers = [Writer(handler, number, database) for number in range(WRITERS)]
    for writer in writers:
        writer.start()
    while min(writer.writes for writer in writers) < 20:
        time.sleep(0.005)
    result = run(handler["default"])
    time.sleep(0.1)  # writes after the aliases moved
    for writer in writers:
        writer.stop.set()
    for writer in writers:
        writer.join()
        assert writer.error is None, writer.error
    return result, writers


@pytest.mark.parametrize("copy", ["reindex", "SOURCE"])
def test_a_rebuild_under_concurrent_writes_loses_nothing(
    server: dict[str, Any], prefix: str, copy: str
) -> None:
    handler = handler_of(server, {"blog": {"NAME": f"{prefix}blog", "ALIASES": [f"{prefix}b"]}})
    connection = handler["default"]
    expected = seed(connection)
    database = dict(expected) if copy == "SOURCE" else None
    if database is not None:
        connection.server_indices["blog"]["SOURCE"] = lambda: list(database.items())

    result, writers = rebuild_while_writing(handler, database, lambda c: rebuild(c, "blog"))

    for writer in writers:
        expected.update(writer.model)
    found = documents(connection, f"{prefix}blog")
    assert result.caught_up > 0  # writes did land during the rebuild
    assert sum(writer.writes for writer in writers) > 100
    assert {k for k in found.keys() | expected.keys() if found.get(k) != expected.get(k)} == set()
    if database is not None:
        assert found == database


def test_writes_during_two_rebuilds_in_a_row(server: dict[str, Any], prefix: str) -> None:
    handler = handler_of(server, {"blog": {"NAME": f"{prefix}blog"}})
    connection = handler["default"]
    expected = seed(connection)

    def twice(connection: Any) -> Any:
        rebuild(connection, "blog")
        return rebuild(connection, "blog", batch_size=50)

    _, writers = rebuild_while_writing(handler, None, twice)

    for writer in writers:
        expected.update(writer.model)
    assert documents(connection, f"{prefix}blog") == expected
