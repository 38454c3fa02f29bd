"""elasticsearch.dsl on djangoes: Documents on ``ES_INDICES`` entries, ``using=`` a djangoes alias.

::

    from elasticsearch.dsl import Keyword, Text
    from djangoes.dsl import Document

    class PostDocument(Document):
        title = Text()
        tags = Keyword(multi=True)

        class Index:
            name = "posts"  # the ES_INDICES entry: posts_test during tests

A Document's index is looked up each time it is used: the test index in test mode (the test
runner, the test cases, the pytest plugin), the live one otherwise, through the alias a rebuild
moves. ``using="alias"`` (``Index.using``, or any call's ``using=``) is the djangoes connection of
that alias in this thread (``aconnections``' for :class:`AsyncDocument`); left out, the
connection that serves the index. Importing this module also makes elasticsearch.dsl's own
``connections`` registry resolve djangoes aliases, for plain elasticsearch.dsl Documents and
searches (see :mod:`.clients`). ``ES_INDICES[...]['DOCUMENT']`` names a Document whose mappings
and settings create the index (see :mod:`.settings`). :class:`FacetedSearch` searches the
indices of its Documents.
"""

from __future__ import annotations

try:
    import elasticsearch.dsl  # noqa: F401
except ImportError as error:  # elasticsearch-py before 8.18
    raise ImportError(
        "djangoes.dsl needs elasticsearch.dsl, which elasticsearch-py ships from 8.18 on: "
        'pip install "elasticsearch>=8.18"'
    ) from error

from .clients import ConnectionClient, async_client, client, install
from .documents import AsyncDocument, Document
from .indices import AsyncConfiguredIndex, ConfiguredIndex, index_name
from .searches import AsyncFacetedSearch, FacetedSearch

install()

__all__ = [
    "AsyncConfiguredIndex",
    "AsyncDocument",
    "AsyncFacetedSearch",
    "ConfiguredIndex",
    "ConnectionClient",
    "Document",
    "FacetedSearch",
    "async_client",
    "client",
    "index_name",
    "install",
]
