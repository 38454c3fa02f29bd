"""``ES_INDICES[...]['DOCUMENT']``: the Document whose mappings and settings create the index.

Named by a dotted path (or given as the class), it stands for ``SETTINGS``: ``es_indices
create``, ``es_indices rebuild`` and the test indices create the index with the Document's
mappings, settings, analysis and aliases, so that they are declared once, on the Document.
"""

from __future__ import annotations

from typing import Any, cast

from django.utils.module_loading import import_string

from ..errors import SettingError


def document_body(document: Any, key: str, place: str) -> dict[str, Any]:
    """The create-index body of the Document ``document`` names, which must be declared on
    ``ES_INDICES[key]``; a SettingError (E020) otherwise."""
    shown = document if isinstance(document, str) else getattr(document, "__name__", document)
    found = document
    if isinstance(document, str):
        try:
            found = import_string(document)
        except ImportError as error:
            raise SettingError(
                "E020", f"{place} {shown!r} could not be imported: {error}"
            ) from None
    from .documents import AsyncDocument, Document
    from .indices import ConfiguredIndexMixin

    if not (isinstance(found, type) and issubclass(found, Document | AsyncDocument)):
        raise SettingError(
            "E020",
            f"{place} {shown!r} is not a djangoes.dsl Document (a subclass of "
            "djangoes.dsl.Document or djangoes.dsl.AsyncDocument)",
        )
    declared = cast(ConfiguredIndexMixin, found._index).key
    if declared != key:
        on = "no index" if declared is None else f"ES_INDICES[{declared!r}]"
        raise SettingError(
            "E020",
            f"{place} {shown!r} is declared on {on} (its Index.name), not on ES_INDICES[{key!r}]",
        )
    body: dict[str, Any] = found._index.to_dict()
    return body
