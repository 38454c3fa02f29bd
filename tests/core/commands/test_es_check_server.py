"""``manage.py es_check``: what only the server shows, each an ERROR and a non-zero exit.

The settings are right (``manage.py check`` says nothing); the server's names are not what they
say: a configured alias that is an index there, an alias djangoes writes through that another
index holds too, or holds instead, a test name that is a live index. Each case is built on the
engine (over HTTP and in this process) with the client, as a person or another program would
have left it.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from djangoes import connections
from djangoes.backends.library import library_of
from djangoes.checks import check_settings

from .helpers import blog_indices, create

pytestmark = pytest.mark.usefixtures("configured")


def es_check() -> tuple[str, str]:
    """(the output, the error es_check ended with: '' if none)."""
    out = io.StringIO()
    try:
        call_command("es_check", stdout=out, stderr=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), ""


@pytest.fixture
def client():
    assert check_settings() == []  # the settings are right: only the server is wrong
    return connections["default"].client


def test_all_in_place_is_quiet(client, prefix: str) -> None:
    for key in ("blog", "books"):
        create(connections["default"], key)
    output, error = es_check()
    assert error == ""
    assert "ERROR" not in output and "WARNING alias" not in output


def test_a_configured_alias_that_is_an_index(client, prefix: str) -> None:
    client.indices.create(index=f"{prefix}blog")
    client.indices.create(index=f"{prefix}blog-read")  # an index where an alias is expected
    create(connections["default"], "books")
    output, error = es_check()
    assert f"  ERROR alias {prefix}blog-read is an index\n" in output
    assert error == (
        f"1 problem(s): '{prefix}blog-read' (an alias of ES_INDICES['blog']) is an index on the "
        "server, not an alias on 'default'."
    )


def test_an_alias_of_two_indices_without_a_write_index(client, prefix: str) -> None:
    create(connections["default"], "blog")
    create(connections["default"], "books")
    client.indices.create(index=f"{prefix}legacy", aliases={f"{prefix}blog-read": {}})
    output, error = es_check()
    assert f"  ERROR alias {prefix}blog-read is shared: none is its write index" in output
    assert error == (
        f"1 problem(s): alias '{prefix}blog-read' of '{prefix}blog' is also held by "
        f"'{prefix}legacy' (no ES_INDICES entry), and none is its write index: every write "
        "through it fails on 'default'."
    )
    with pytest.raises(library_of(client).api_errors, match="no write index is defined for alias"):
        client.index(index=f"{prefix}blog-read", document={"title": "lost"})  # as foretold


def test_an_alias_whose_write_index_is_another(client, prefix: str) -> None:
    create(connections["default"], "blog")
    create(connections["default"], "books")
    client.indices.update_aliases(
        actions=[{"add": {"index": f"{prefix}books", "alias": f"{prefix}blog-read"}}]
    )
    client.indices.update_aliases(
        actions=[
            {
                "add": {
                    "index": f"{prefix}books",
                    "alias": f"{prefix}blog-read",
                    "is_write_index": True,
                }
            }
        ]
    )
    output, error = es_check()
    assert (
        f"its write index is '{prefix}books' (ES_INDICES['books']): writes through it go there"
    ) in error
    assert "ERROR alias" in output


def test_an_alias_whose_write_index_is_ours_is_fine(prefix: str, settings_of) -> None:
    write = {"aliases": {f"{prefix}blog-read": {"is_write_index": True}}}
    with settings_of(SETTINGS=write):
        client = connections["default"].client
        create(connections["default"], "blog")
        create(connections["default"], "books")
        client.indices.create(index=f"{prefix}archive", aliases={f"{prefix}blog-read": {}})
        output, error = es_check()
    assert error == ""
    assert f"  OK alias {prefix}blog-read (its write index; also on '{prefix}archive'" in output


def test_a_configured_alias_held_by_another_index_only(client, prefix: str) -> None:
    client.indices.create(index=f"{prefix}blog")  # without its alias
    client.indices.create(index=f"{prefix}stray", aliases={f"{prefix}blog-read": {}})
    create(connections["default"], "books")
    output, error = es_check()
    assert f"  ERROR alias {prefix}blog-read is held by '{prefix}stray'" in output
    assert error == (
        f"1 problem(s): alias '{prefix}blog-read' of '{prefix}blog' is held by "
        f"'{prefix}stray' (no ES_INDICES entry) instead on 'default'."
    )


def test_name_an_alias_of_several_indices(client, prefix: str) -> None:
    for version in ("1", "2"):
        client.indices.create(index=f"{prefix}blog__{version}", aliases={f"{prefix}blog": {}})
    create(connections["default"], "books")
    output, error = es_check()
    assert f"'{prefix}blog' is an alias of several indices" in error
    assert "  ERROR" in output


def test_a_test_name_that_is_an_alias_of_the_live_index(client, prefix: str) -> None:
    create(connections["default"], "blog")
    create(connections["default"], "books")
    client.indices.put_alias(index=f"{prefix}blog", name=f"{prefix}blog_test")
    output, error = es_check()
    assert f"  ERROR test name {prefix}blog_test is an alias of the live index {prefix}blog" in (
        output
    )
    assert (
        f"the test name '{prefix}blog_test' (ES_INDICES['blog']['TEST']) is an alias of the "
        f"live index '{prefix}blog' on the server: test runs would write to it or delete it"
    ) in error


def test_a_test_index_that_holds_a_live_alias(client, prefix: str) -> None:
    create(connections["default"], "blog")
    create(connections["default"], "books")
    client.indices.create(index=f"{prefix}books_test", aliases={f"{prefix}blog-read": {}})
    output, error = es_check()
    assert f"the test index '{prefix}books_test' (ES_INDICES['books']['TEST']['NAME']) holds " in (
        error
    )
    assert f"  ERROR test index {prefix}books_test holds the live name(s) {prefix}blog-read" in (
        output
    )


def test_a_test_alias_held_by_a_live_index(client, prefix: str) -> None:
    create(connections["default"], "blog")
    create(connections["default"], "books")
    client.indices.put_alias(index=f"{prefix}books", name=f"{prefix}blog-read_test")
    _, error = es_check()
    assert (
        f"the test name '{prefix}blog-read_test' (ES_INDICES['blog']['TEST']) is an alias of "
        f"the live index '{prefix}books'"
    ) in error


def test_a_test_index_left_by_keepdb_is_fine(client, prefix: str) -> None:
    create(connections["default"], "blog")
    create(connections["default"], "books")
    client.indices.create(index=f"{prefix}blog_test", aliases={f"{prefix}blog-read_test": {}})
    output, error = es_check()
    assert error == ""
    assert "test" not in output


def test_a_read_alias_of_several_indices_is_a_warning(prefix: str, server: dict) -> None:
    shared = {"SETTINGS": {"aliases": {f"{prefix}everything": {}}}}
    indices = blog_indices(prefix, **shared)
    indices["books"].update(shared)
    servers = {"default": {**server, "INDICES": ["blog", "books"]}}
    with override_settings(ES_SERVERS=servers, ES_INDICES=indices):
        assert [m.id for m in check_settings()] == ["djangoes.W007"]
        create(connections["default"], "blog")
        create(connections["default"], "books")
        output, error = es_check()
    assert error == ""
    assert f"  WARNING alias {prefix}everything is also held by '{prefix}books'" in output
    assert "none is its write index: every write through it fails" in output


def test_every_finding_at_once_and_the_exit_status(client, prefix: str) -> None:
    from django.core.management import execute_from_command_line

    client.indices.create(index=f"{prefix}blog-read")
    client.indices.create(index=f"{prefix}books_test", aliases={f"{prefix}books": {}})
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "es_check"])
    assert exited.value.code == 1
