"""The index of a :class:`~djangoes.dsl.Document`: an ``ES_INDICES`` entry, named when used.

A Document's ``class Index: name = "posts"`` names the ``ES_INDICES`` entry ``posts``, not an
index: which index that is depends on when it is asked. In test mode (``manage.py test``, the
pytest plugin) it is the test index of this process (``posts_test``, ``posts_test_gw0``);
otherwise the live one. Requests go to the name djangoes' own requests use (the index's first
``ALIASES`` entry, or its ``NAME``), which a rebuild's alias swap moves to the new index.
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatch
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from elasticsearch.dsl import AsyncIndex, Index

from ..handler import DEFAULT_ALIAS
from ..rebuild.names import is_versioned

if TYPE_CHECKING:
    from elastic_transport import ObjectApiResponse

    from ..handler import ConnectionHandler


def _handler(handler: ConnectionHandler | None) -> ConnectionHandler:
    if handler is None:
        from .. import connections

        return connections
    return handler


def configured(key: str, handler: ConnectionHandler | None = None) -> Mapping[str, Any]:
    """``ES_INDICES[key]`` as the connections see it now: its test settings in test mode."""
    handler = _handler(handler)
    if key not in handler.indices:
        defined = ", ".join(sorted(handler.indices)) or "none"
        raise ImproperlyConfigured(
            f"{key!r} is not a key of ES_INDICES (defined: {defined}): a djangoes.dsl Document's "
            "Index.name is the ES_INDICES entry of its index (for an index djangoes does not "
            "configure, use elasticsearch.dsl.Document)"
        )
    if handler.test_mode is not None:
        return handler.test_mode.index(handler, key)
    return handler.indices[key]


def index_name(key: str, handler: ConnectionHandler | None = None) -> str:
    """The name requests to ``ES_INDICES[key]`` use now: its first alias, or else its ``NAME``
    (as a connection's ``indices``), the test name in test mode."""
    index = configured(key, handler)
    return str((index["ALIASES"] or [index["NAME"]])[0])


def serving_connection(key: str, handler: ConnectionHandler | None = None) -> str:
    """The connection a Document on ``ES_INDICES[key]`` uses unless told: ``default`` if it
    serves the index (``INDICES``; ``TEST['INDICES']`` in test mode), else the first that
    does, else ``default``."""
    handler = _handler(handler)
    serving = []
    for alias in handler.settings:
        server = handler.settings[alias]
        if handler.test_mode is not None:
            server = handler.test_mode.server(handler, alias)
        if key in server.get("INDICES", []):
            serving.append(alias)
    if not serving or DEFAULT_ALIAS in serving:
        return DEFAULT_ALIAS
    return serving[0]


def with_aliases(
    key: str, body: dict[str, Any], handler: ConnectionHandler | None = None
) -> dict[str, Any]:
    """A Document's create-index body for ``ES_INDICES[key]``, with the index's ``ALIASES``
    (as ``es_indices create`` gives them); in test mode without the Document's own aliases,
    which are live names."""
    handler = _handler(handler)
    index = configured(key, handler)
    body = dict(body)
    aliases = {} if handler.test_mode is not None else dict(body.get("aliases") or {})
    for alias in index["ALIASES"]:
        aliases.setdefault(alias, {})
    body.pop("aliases", None)
    if aliases:
        body["aliases"] = aliases
    return body


class ConfiguredIndexMixin:
    """What :class:`ConfiguredIndex` and :class:`AsyncConfiguredIndex` share: the name and the
    connection, looked up in the settings each time they are read.

    elasticsearch.dsl reads ``_name`` and ``_using`` wherever it needs them: they are
    properties here. A ``None`` key is the index of an abstract Document, which has none.
    """

    key: str | None
    #: A name elasticsearch.dsl assigned (an index template's pattern): used as it is.
    literal: str | None = None
    _explicit_using: str | None
    #: elasticsearch.dsl's index class of the same kind (sync or async), for a named clone.
    _plain: ClassVar[type]

    def __init__(self, key: str | None, using: str | None = None) -> None:
        super().__init__(key, using=using)  # type: ignore[call-arg]
        self.key, self.literal = key, None  # (elasticsearch.dsl's __init__ set _name)

    def clone(self, name: str | None = None, using: Any = None) -> Any:
        """A copy; with a ``name``, elasticsearch.dsl's plain index of that name."""
        if name is None:
            clone: Any = type(self)(self.key, using or self._explicit_using)
            clone.literal = self.literal
        else:
            clone = self._plain(name, using=using or self._using)
        return self._clone_into(clone)

    @property
    def _name(self) -> str:
        if self.literal is not None:
            return self.literal
        if self.key is None:
            raise ImproperlyConfigured(
                f"{self._documents()} has no index: declare it with class Index: name = "
                "'<ES_INDICES key>'"
            )
        return index_name(self.key)

    @_name.setter
    def _name(self, value: str | None) -> None:
        self.literal = value

    @property
    def _using(self) -> Any:  # a str here; elasticsearch.dsl's type also allows a client
        if self._explicit_using is not None:
            return self._explicit_using
        return DEFAULT_ALIAS if self.key is None else serving_connection(self.key)

    @_using.setter
    def _using(self, value: Any) -> None:
        self._explicit_using = value

    def _documents(self) -> str:
        names = [doc.__name__ for doc in getattr(self, "_doc_types", [])]
        return ", ".join(names) or "this Document"

    def document(self, document: Any) -> Any:
        """Associate a Document with this index (elasticsearch.dsl's, without reading the
        name: a class is declared before the settings are read)."""
        self._doc_types.append(document)  # type: ignore[attr-defined]
        return document

    def matches(self, hit: Mapping[str, Any]) -> bool:
        """Whether a search hit comes from this index: its ``NAME`` or, after a rebuild, a
        versioned index of it (``posts__20261125t103000``)."""
        if self.literal is not None:
            return fnmatch(hit.get("_index", ""), self.literal)
        if self.key is None:
            return True
        name = configured(self.key)["NAME"]
        found = hit.get("_index", "")
        return bool(found == name or is_versioned(name, found))

    def creation(self) -> tuple[str, dict[str, Any]]:
        """The index to create now and its body: the Document's mappings, settings and
        aliases, with the index's ``ALIASES``."""
        key = self.key
        if self.literal is not None:
            return self.literal, self.to_dict()  # type: ignore[attr-defined]
        if key is None:
            self._name  # noqa: B018  # raises: no index
            raise AssertionError
        body = with_aliases(key, self.to_dict())  # type: ignore[attr-defined]
        return str(configured(key)["NAME"]), body

    def _clone_into(self, clone: Any) -> Any:
        clone._settings = self._settings.copy()  # type: ignore[attr-defined]
        clone._aliases = self._aliases.copy()  # type: ignore[attr-defined]
        clone._analysis = self._analysis.copy()  # type: ignore[attr-defined]
        clone._doc_types = self._doc_types[:]  # type: ignore[attr-defined]
        if self._mapping is not None:  # type: ignore[attr-defined]
            clone._mapping = self._mapping._clone()  # type: ignore[attr-defined]
        return clone


class ConfiguredIndex(ConfiguredIndexMixin, Index):
    """The index of a :class:`~djangoes.dsl.Document`: ``ES_INDICES[key]``."""

    _plain = Index

    def create(self, using: Any = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        """Create the index as ``es_indices create`` would: its ``NAME`` (the test name in test
        mode) with the index's ``ALIASES``, from the Document's mappings and settings."""
        name, body = self.creation()
        return self._get_connection(using).indices.create(index=name, body=body, **kwargs)

    def save(self, using: Any = None) -> ObjectApiResponse[Any] | None:
        """Create the index if it does not exist, else add the Document's mappings to it
        (settings and analysis of an existing index change through ``es_indices rebuild``)."""
        if not self.exists(using=using):
            return self.create(using=using)
        mappings = self.to_dict().get("mappings")
        if mappings:
            return self.put_mapping(using=using, body=mappings)
        return None


class AsyncConfiguredIndex(ConfiguredIndexMixin, AsyncIndex):
    """The index of a :class:`~djangoes.dsl.AsyncDocument`: ``ES_INDICES[key]``."""

    _plain = AsyncIndex

    async def create(self, using: Any = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        name, body = self.creation()
        connection = self._get_connection(using)
        return await connection.indices.create(index=name, body=body, **kwargs)

    async def save(self, using: Any = None) -> ObjectApiResponse[Any] | None:
        if not await self.exists(using=using):
            return await self.create(using=using)
        mappings = self.to_dict().get("mappings")
        if mappings:
            return await self.put_mapping(using=using, body=mappings)
        return None
