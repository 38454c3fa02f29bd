"""A post in Elasticsearch: ``PostDocument``, an elasticsearch.dsl Document on djangoes.

The Document declares the index: its fields, their analysis (English words, stemmed, without
stopwords or accents) and its settings. ``ES_INDICES["posts"]["DOCUMENT"]`` names it, so
``manage.py es_indices create`` and ``rebuild`` create the index from it, and the tests' index
too. ``class Index: name = "posts"`` is that ``ES_INDICES`` entry: the Document writes to and
searches the ``blog_posts`` alias, or the test index under tests.

``documents()`` yields every post's document: what a rebuild of the index reads
(``ES_INDICES["posts"]["SOURCE"]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from elasticsearch.dsl import Date, Keyword, Text, analyzer, token_filter

from djangoes.dsl import Document

if TYPE_CHECKING:  # the settings import this module, before the models can be
    from .models import Post

blog_text = analyzer(
    "blog_text",
    tokenizer="standard",
    filter=[
        "lowercase",
        "asciifolding",
        token_filter("english_stop", "stop", stopwords="_english_"),
        token_filter("english_stemmer", "stemmer", language="english"),
    ],
)


class PostDocument(Document):
    title = Text(analyzer=blog_text)
    body = Text(analyzer=blog_text)
    slug = Keyword()
    author = Keyword()
    category = Keyword()
    tags = Keyword(multi=True)
    published = Date()

    class Index:
        name = "posts"  # the ES_INDICES entry, not an index name
        settings = {"number_of_shards": 1, "number_of_replicas": 0}

    @classmethod
    def from_post(cls, post: Post) -> PostDocument:
        """The document of ``post``, with its primary key as id."""
        return cls(
            meta={"id": post.pk},
            title=post.title,
            slug=post.slug,
            author=post.author,
            category=post.category,
            tags=list(post.tags),
            body=post.body,
            published=post.published,
        )


def documents() -> Iterator[tuple[str, dict[str, Any]]]:
    """``(id, document)`` for every post."""
    from .models import Post

    for post in Post.objects.order_by("pk").iterator():
        yield str(post.pk), PostDocument.from_post(post).to_dict()
