"""The Documents of the DSL tests (module-level, so that settings can name them by path)."""

from __future__ import annotations

from elasticsearch.dsl import Integer, Keyword, Text

from djangoes.dsl import AsyncDocument, Document


class PostDocument(Document):
    title = Text()
    tags = Keyword(multi=True)
    year = Integer()

    class Index:
        name = "posts"
        settings = {"number_of_shards": 1}
        aliases = {"published": {"filter": {"term": {"tags": "published"}}}}


class AsyncPostDocument(AsyncDocument):
    title = Text()
    tags = Keyword(multi=True)

    class Index:
        name = "posts"


class NoteDocument(Document):
    """On an index no SETTINGS or DOCUMENT describes, through another connection by default."""

    text = Text()

    class Index:
        name = "notes"


class Unbound(Document):
    """An abstract Document: no index of its own."""

    text = Text()
