"""``manage.py es_indices list|create|delete|rebuild``, on a real server."""

from __future__ import annotations

import pytest
from django.core.management import CommandError
from django.test import override_settings

from djangoes import connections
from tests.libraries import bulk

from .helpers import TTL, aliases_of, blog_indices, create, documents, run

pytestmark = pytest.mark.usefixtures("configured")


def names(prefix: str) -> tuple[str, str]:
    return f"{prefix}blog", f"{prefix}books"


# list


def test_list_shows_every_configured_index_before_it_exists(prefix: str) -> None:
    output = run("es_indices", "list")
    engine = connections["default"].server["ENGINE"]
    if engine in ("http", "opensearch"):
        assert f"'default' ({engine}: http://127.0.0.1:" in output
    else:  # the engine in this process has no host to show
        assert "'default' (embedded: in this process, in memory)\n" in output
    assert " [ ] blog\n" in output and " [ ] books\n" in output
    assert f"name       {prefix}blog\n" in output
    assert f"aliases    {prefix}blog-read (missing)" in output
    assert f"test       {prefix}blog_test (aliases: {prefix}blog-read_test)" in output
    assert "documents  missing" in output


def test_list_counts_documents_and_shows_the_index_behind_an_alias(prefix: str) -> None:
    run("es_indices", "create")
    connection = connections["default"]
    for number in range(3):
        connection.index(index=f"{prefix}blog", id=str(number), document={"n": number})
    run("es_indices", "rebuild", "blog")

    output = run("es_indices", "list", "blog")

    new = aliases_of(connection, f"{prefix}blog").popitem()[0]
    assert f" [X] blog\n     name       {prefix}blog -> {new}\n" in output
    assert f"aliases    {prefix}blog-read\n" in output
    assert "documents  3\n" in output
    assert "books" not in output


def test_list_at_verbosity_0_is_one_line_per_index() -> None:
    assert run("es_indices", "list", "--verbosity", "0") == " [ ] blog\n [ ] books\n"


def test_list_of_an_unreachable_server_fails() -> None:
    unreachable = {"default": {"ENGINE": "http", "HOSTS": ["127.0.0.1:9"], "INDICES": ["blog"]}}
    with override_settings(ES_SERVERS=unreachable), pytest.raises(CommandError, match="reach"):
        run("es_indices", "list")


# create


def test_create_makes_each_index_with_its_settings_and_aliases(prefix: str) -> None:
    mapping = {"properties": {"title": {"type": "keyword"}}}
    with override_settings(
        ES_INDICES=blog_indices(prefix, SETTINGS={"mappings": mapping, "aliases": {"extra": {}}})
    ):
        output = run("es_indices", "create")
        client = connections["default"].client
        blog, books = names(prefix)
        assert f"  Created {blog}\n  Created {books}\n" in output
        assert client.indices.get_mapping(index=blog)[blog]["mappings"] == mapping
        assert set(client.indices.get_alias(index=blog)[blog]["aliases"]) == {
            f"{prefix}blog-read",
            "extra",
        }
        client.indices.delete(index=[blog, books])


def test_create_reports_an_existing_index_and_keeps_it(prefix: str) -> None:
    connection = connections["default"]
    blog = create(connection, "blog")
    connection.index(index=blog, id="1", document={"kept": True}, refresh=True)

    output = run("es_indices", "create")

    assert f"  {blog} exists already\n  Created {prefix}books\n" in output
    assert documents(connection, blog) == {"1": {"kept": True}}


def test_create_fails_on_an_existing_index_if_asked(prefix: str) -> None:
    create(connections["default"], "blog")
    with pytest.raises(CommandError, match=f"Not created: {prefix}blog exists"):
        run("es_indices", "create", "--fail-if-exists")
    assert connections["default"].client.indices.exists(index=f"{prefix}books")


# delete


def test_delete_asks_first_and_a_no_keeps_everything(
    prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("es_indices", "create")
    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "no")

    output = run("es_indices", "delete")

    assert "Deletion cancelled." in output
    assert f"{prefix}blog ('default')" in questions[0] and "Type 'yes' to continue" in questions[0]
    assert connections["default"].client.indices.exists(index=f"{prefix}blog")


def test_delete_after_yes_deletes_and_reports_missing_ones(
    prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    create(connections["default"], "blog")
    monkeypatch.setattr("builtins.input", lambda question: "yes")

    output = run("es_indices", "delete")

    assert f"  Deleted {prefix}blog on 'default'\n" in output
    assert f"  {prefix}books not found on 'default'\n" in output
    assert not connections["default"].client.indices.exists(index=f"{prefix}blog")


def test_delete_noinput_does_not_ask(prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    create(connections["default"], "books")
    monkeypatch.setattr("builtins.input", lambda question: pytest.fail("asked"))
    run("es_indices", "delete", "books", "--noinput")
    assert not connections["default"].client.indices.exists(index=f"{prefix}books")


def test_delete_after_a_rebuild_deletes_the_index_behind_the_alias(prefix: str) -> None:
    connection = connections["default"]
    create(connection, "blog")
    run("es_indices", "rebuild", "blog")
    behind = aliases_of(connection, f"{prefix}blog").popitem()[0]
    connection.client.indices.create(index=f"{prefix}blog-other")

    output = run("es_indices", "delete", "blog", "--noinput")

    assert f"  Deleted {behind} ({prefix}blog) on 'default'" in output
    assert not connection.client.indices.exists(index=behind)
    assert not connection.client.indices.exists_alias(name=f"{prefix}blog")
    assert connection.client.indices.exists(index=f"{prefix}blog-other")


# Choosing connections and indices


@pytest.fixture
def two_connections(configured: None, server: dict, prefix: str):
    servers = {
        "default": {**server, "INDICES": ["blog"]},
        "other": {**server, "INDICES": ["books"]},
        "third": {**server, "INDICES": ["books"]},
    }
    with override_settings(ES_SERVERS=servers, ES_INDICES=blog_indices(prefix)):
        yield


@pytest.mark.usefixtures("two_connections")
@pytest.mark.parametrize(
    ("using", "shown"),
    [
        ([], ["'default'", "'other'", "'third'"]),
        (["--using", "other"], ["'other'"]),
        (["--using", "default,third"], ["'default'", "'third'"]),
        (["--using", "default", "--using", "other"], ["'default'", "'other'"]),
    ],
)
def test_using_chooses_connections(using: list[str], shown: list[str]) -> None:
    output = run("es_indices", "list", *using)
    headings = [line.split(" ")[0] for line in output.splitlines() if not line.startswith(" ")]
    assert headings == shown


@pytest.mark.usefixtures("two_connections")
def test_an_unknown_connection_or_index_is_an_error() -> None:
    with pytest.raises(CommandError, match=r"Unknown connection 'nope' \(ES_SERVERS defines: "):
        run("es_indices", "list", "--using", "nope")
    with pytest.raises(CommandError, match="Unknown index 'books': the connections default"):
        run("es_indices", "list", "books", "--using", "default")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["list", "--keep-old"], "--keep-old applies to rebuild, not to list"),
        (["create", "--abort"], "--abort applies to rebuild, not to create"),
        (["delete", "--fail-if-exists"], "--fail-if-exists applies to create, not to delete"),
        (["rebuild", "--batch-size", "0"], "--batch-size must be at least 1"),
        (["drop"], "invalid choice: 'drop'"),
    ],
)
def test_options_of_another_action_are_refused(arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("es_indices", *arguments)


# Credentials


def test_credentials_never_appear_in_the_output(server_url: str, prefix: str) -> None:
    host = server_url.replace("http://", "http://elastic:hunter2-secret@")
    servers = {
        "default": {
            "ENGINE": "http",
            "HOSTS": [host],
            "INDICES": ["blog"],
            "PARAMS": {"api_key": "api-key-secret-123"},
        }
    }
    with override_settings(ES_SERVERS=servers, ES_INDICES=blog_indices(prefix)):
        output = run("es_indices", "list", "--verbosity", "2")
        output += run("es_indices", "create")
        output += run("es_check")
    assert server_url in output
    for secret in ("elastic", "hunter2-secret", "api-key-secret-123"):
        assert secret not in output


# rebuild


def test_rebuild_reports_each_step(prefix: str) -> None:
    connection = connections["default"]
    create(connection, "blog")
    connection.index(index=f"{prefix}blog", id="1", document={"n": 1}, refresh=True)

    output = run("es_indices", "rebuild", "blog", "--verbosity", "2")

    new = aliases_of(connection, f"{prefix}blog").popitem()[0]
    assert output.splitlines()[1:] == [
        f"  Creating {new!r}...",
        f"  Copying the documents of '{prefix}blog'...",
        f"  Holding writes to '{prefix}blog' for the final pass...",
        f"  Moving {prefix}blog, {prefix}blog-read to {new!r}...",
        output.splitlines()[-1],
    ]
    assert output.splitlines()[-1].startswith(
        f"  Rebuilt blog: {new} is live (1 documents copied, 0 caught up, "
    )
    assert documents(connection, f"{prefix}blog") == {"1": {"n": 1}}


def test_rebuild_draws_a_progress_bar_on_request_only(prefix: str) -> None:

    connection = connections["default"]
    create(connection, "blog")
    actions = ({"_index": f"{prefix}blog", "_id": str(n), "n": n} for n in range(30))
    bulk(connection, actions, refresh=True)

    plain = run("es_indices", "rebuild", "blog")
    drawn = run("es_indices", "rebuild", "blog", "--progress", "--batch-size", "10")

    assert "[" not in plain
    assert "\r   [##############################] 30/30 documents\n" in drawn


def test_rebuild_keep_old(prefix: str) -> None:
    connection = connections["default"]
    create(connection, "blog")
    run("es_indices", "rebuild", "blog")
    first = aliases_of(connection, f"{prefix}blog").popitem()[0]

    output = run("es_indices", "rebuild", "blog", "--keep-old")

    assert f"  Kept {first!r}...\n" in output
    connection.client.index(index=first, id="still-writable", document={})


def test_a_failed_rebuild_exits_with_an_error(prefix: str) -> None:
    with pytest.raises(CommandError, match=f"'{prefix}blog'.*does not exist.*es_indices create"):
        run("es_indices", "rebuild", "blog")


def test_rebuild_abort_asks_then_cleans_up(prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("builtins.input", lambda question: "no")
    assert "Clean-up cancelled." in run("es_indices", "rebuild", "--abort")
    output = run("es_indices", "rebuild", "--abort", "--noinput")
    assert "  No rebuild of blog to clean up on 'default'\n" in output


def test_the_rebuild_ttl_is_the_one_of_the_settings() -> None:
    from djangoes.rebuild import markers

    assert markers.ttl() == TTL
