"""``Document`` and ``AsyncDocument``: elasticsearch.dsl's, on an ``ES_INDICES`` entry.

``class Index: name = "posts"`` names the entry: the index is looked up when used (see
:mod:`.indices`), and ``using`` (``Index.using``, or the ``using=`` of a call) is a djangoes
alias (see :mod:`.clients`); left out, it is the connection that serves the index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast, dataclass_transform

from elasticsearch.dsl import AsyncDocument as DslAsyncDocument
from elasticsearch.dsl import Document as DslDocument
from elasticsearch.dsl._async.document import AsyncIndexMeta
from elasticsearch.dsl._sync.document import IndexMeta
from elasticsearch.dsl.document_base import mapped_field

from .indices import AsyncConfiguredIndex, ConfiguredIndex

if TYPE_CHECKING:
    from collections.abc import Callable


class MissingIndexName(TypeError):
    """A Document's ``class Index`` without a ``name``."""


def construct(
    index_class: Callable[[str | None, str | None], Any], opts: Any, bases: tuple[type, ...]
) -> Any:
    """The index of a new Document class: from its ``class Index`` (``opts``), or its base's."""
    if opts is None:
        for base in bases:
            index = getattr(base, "_index", None)
            if isinstance(index, ConfiguredIndex | AsyncConfiguredIndex):
                return index
        return index_class(None, None)
    key = getattr(opts, "name", None)
    if not isinstance(key, str) or not key:
        raise MissingIndexName(key)
    if getattr(opts, "data_stream", None) is not None:
        raise TypeError(
            "a djangoes.dsl Document is on an ES_INDICES index, not a data stream: use "
            "elasticsearch.dsl's Document for a data stream"
        )
    index = index_class(key, getattr(opts, "using", None))
    index.settings(**getattr(opts, "settings", {}))
    index.aliases(**getattr(opts, "aliases", {}))
    for analyzer in getattr(opts, "analyzers", ()):
        index.analyzer(analyzer)
    return index


def _missing_name(name: str, error: MissingIndexName) -> TypeError:
    return TypeError(
        f"{name}.Index.name is {error.args[0]!r}: a djangoes.dsl Document names the "
        "ES_INDICES entry of its index (class Index: name = 'posts')"
    )


class DocumentMeta(IndexMeta):
    def __new__(cls, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> DocumentMeta:
        try:
            return cast(DocumentMeta, super().__new__(cls, name, bases, attrs))
        except MissingIndexName as error:
            raise _missing_name(name, error) from None

    @classmethod
    def construct_index(cls, opts: Any, bases: tuple[type, ...]) -> ConfiguredIndex:
        index: ConfiguredIndex = construct(ConfiguredIndex, opts, bases)
        return index


class AsyncDocumentMeta(AsyncIndexMeta):
    def __new__(
        cls, name: str, bases: tuple[type, ...], attrs: dict[str, Any]
    ) -> AsyncDocumentMeta:
        try:
            return cast(AsyncDocumentMeta, super().__new__(cls, name, bases, attrs))
        except MissingIndexName as error:
            raise _missing_name(name, error) from None

    @classmethod
    def construct_index(cls, opts: Any, bases: tuple[type, ...]) -> AsyncConfiguredIndex:
        index: AsyncConfiguredIndex = construct(AsyncConfiguredIndex, opts, bases)
        return index


@dataclass_transform(field_specifiers=(mapped_field,))
class Document(DslDocument, metaclass=DocumentMeta):
    """An elasticsearch.dsl Document whose ``class Index: name`` is an ``ES_INDICES`` key.

    ::

        class PostDocument(Document):
            title = Text()

            class Index:
                name = "posts"  # ES_INDICES["posts"]: posts_test during tests
    """

    @classmethod
    def _matches(cls, hit: dict[str, Any]) -> bool:
        return cast(ConfiguredIndex, cls._index).matches(hit)


@dataclass_transform(field_specifiers=(mapped_field,))
class AsyncDocument(DslAsyncDocument, metaclass=AsyncDocumentMeta):
    """:class:`Document` for coroutines: its requests go through ``aconnections``."""

    @classmethod
    def _matches(cls, hit: dict[str, Any]) -> bool:
        return cast(AsyncConfiguredIndex, cls._index).matches(hit)
