"""``ES_INDICES[...]['DOCUMENT']``: the index created from a Document, and its mistakes.

``es_indices create`` and ``es_indices rebuild`` create the index with the Document's mappings,
settings and aliases; ``manage.py check`` reports a DOCUMENT that is not one (E020) or that
comes with SETTINGS (E019), as reading the settings raises them.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from typing import Any

import pytest
from django.core import checks
from django.core.management import call_command
from django.test import override_settings

from djangoes import ConnectionHandler, connections
from djangoes.checks import check_settings
from djangoes.errors import HINTS, SettingError

from .documents import PostDocument

PATH = "tests.core.dsl.documents.PostDocument"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("es_indices", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.usefixtures("configured")
def test_es_indices_create_uses_the_document(prefix: str) -> None:
    assert f"Created {prefix}posts" in run("create")
    client = connections["default"].client
    created = client.indices.get(index=f"{prefix}posts")[f"{prefix}posts"]
    assert created["mappings"] == {
        "properties": {
            "title": {"type": "text"},
            "tags": {"type": "keyword"},
            "year": {"type": "integer"},
        }
    }
    assert created["settings"]["index"]["number_of_shards"] == "1"
    assert created["aliases"] == {"published": {"filter": {"term": {"tags": "published"}}}}


def test_es_indices_rebuild_uses_the_document(settings_of: Any, prefix: str) -> None:
    with settings_of(REBUILD=True):
        run("create")
        client = connections["default"].client
        client.indices.put_mapping(index=f"{prefix}posts", properties={"extra": {"type": "long"}})
        PostDocument(meta={"id": "1"}, title="kept").save(refresh=True)
        assert "is live (1 documents copied" in run("rebuild", "posts")
        ((new, found),) = client.indices.get(index=f"{prefix}posts").body.items()
        assert new.startswith(f"{prefix}posts__")
        assert "extra" not in found["mappings"]["properties"]  # the Document's, afresh
        assert set(found["aliases"]) == {f"{prefix}posts", "published"}
        assert PostDocument.get("1").title == "kept"


def test_the_settings_hold_the_documents_body() -> None:
    handler = ConnectionHandler(servers={"default": {}}, indices={"posts": {"DOCUMENT": PATH}})
    posts = handler.indices["posts"]
    assert posts["SETTINGS"] == PostDocument._index.to_dict()
    assert posts["TEST"]["SETTINGS"] == {
        k: v for k, v in PostDocument._index.to_dict().items() if k != "aliases"
    }
    # Read again (djangoes 0.3's ensure_index_defaults): SETTINGS from DOCUMENT is no conflict.
    handler.ensure_index_defaults("posts")
    assert handler.indices["posts"]["SETTINGS"] == posts["SETTINGS"]


def test_the_document_may_be_given_as_a_class() -> None:
    handler = ConnectionHandler(
        servers={"default": {}}, indices={"posts": {"DOCUMENT": PostDocument}}
    )
    assert handler.indices["posts"]["SETTINGS"]["mappings"]["properties"]["year"] == {
        "type": "integer"
    }


MISTAKES = [
    (
        "E019",
        {"DOCUMENT": PATH, "SETTINGS": {"settings": {"number_of_shards": 2}}},
        "ES_INDICES['posts'] has both 'SETTINGS' and 'DOCUMENT': the index is created from one",
    ),
    (
        "E020",
        {"DOCUMENT": "tests.core.dsl.nowhere.PostDocument"},
        "ES_INDICES['posts']['DOCUMENT'] 'tests.core.dsl.nowhere.PostDocument' could not be "
        "imported: No module named 'tests.core.dsl.nowhere'",
    ),
    (
        "E020",
        {"DOCUMENT": "tests.core.dsl.test_settings.PATH"},
        "ES_INDICES['posts']['DOCUMENT'] 'tests.core.dsl.test_settings.PATH' is not a "
        "djangoes.dsl Document (a subclass of djangoes.dsl.Document or djangoes.dsl.AsyncDocument)",
    ),
    (
        "E020",
        {"DOCUMENT": "elasticsearch.dsl.Document"},
        "ES_INDICES['posts']['DOCUMENT'] 'elasticsearch.dsl.Document' is not a djangoes.dsl "
        "Document",
    ),
    (
        "E020",
        {"DOCUMENT": "tests.core.dsl.documents.NoteDocument"},
        "ES_INDICES['posts']['DOCUMENT'] 'tests.core.dsl.documents.NoteDocument' is declared on "
        "ES_INDICES['notes'] (its Index.name), not on ES_INDICES['posts']",
    ),
    (
        "E020",
        {"DOCUMENT": "tests.core.dsl.documents.Unbound"},
        "ES_INDICES['posts']['DOCUMENT'] 'tests.core.dsl.documents.Unbound' is declared on no "
        "index (its Index.name), not on ES_INDICES['posts']",
    ),
]


@pytest.mark.parametrize(("code", "posts", "message"), MISTAKES)
def test_a_mistaken_document_is_reported_by_check(code: str, posts: dict, message: str) -> None:
    servers = {"default": {"ENGINE": "embedded", "PARAMS": {"name": "x"}, "INDICES": ["posts"]}}
    with override_settings(ES_SERVERS=servers, ES_INDICES={"posts": posts}):
        (error,) = check_settings()
    assert isinstance(error, checks.Error)
    assert (error.id, error.hint) == (f"djangoes.{code}", HINTS[code])
    assert error.msg.startswith(message)


@pytest.mark.parametrize(("code", "posts", "message"), MISTAKES)
def test_reading_the_settings_raises_the_same_error(code: str, posts: dict, message: str) -> None:
    handler = ConnectionHandler(servers={"default": {}}, indices={"posts": posts})
    with pytest.raises(SettingError) as raised:
        handler.indices  # noqa: B018 (reading them validates them)
    assert raised.value.id == f"djangoes.{code}"
    assert str(raised.value).startswith(message)


def test_a_valid_document_has_no_error() -> None:
    servers = {"default": {"ENGINE": "embedded", "PARAMS": {"name": "x"}, "INDICES": ["posts"]}}
    with override_settings(ES_SERVERS=servers, ES_INDICES={"posts": {"DOCUMENT": PATH}}):
        assert check_settings() == []


def test_without_a_django_project_dsl_connections_are_dsl_s_alone() -> None:
    """Outside a Django project (no settings), importing djangoes.dsl changes nothing."""
    code = (
        "import djangoes.dsl\n"
        "from elasticsearch.dsl import connections\n"
        "try:\n"
        "    connections.get_connection('default')\n"
        "except KeyError as error:\n"
        "    print(error)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_SETTINGS")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "\"There is no connection with alias 'default'.\""
