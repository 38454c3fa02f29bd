"""The simulate API's work: documents run through a pipeline, and what became of each.

Nothing is written. Each document gives its changed form (``doc``), its error, or null if it was
dropped; with ``verbose`` each processor's outcome is listed (``processor_results``).
"""

from __future__ import annotations

import contextlib
from typing import Any

from ..errors import EngineError, IllegalArgument
from ..scripting.values import jclass
from .config import Options
from .document import MATCH_ANY, VERSION_TYPES, IngestDocument
from .execution import Lookup, Run
from .pipeline import Pipeline

SIMULATED_PIPELINE_ID = "_simulate_pipeline"


def parse_documents(body: dict[str, Any]) -> list[IngestDocument]:
    """The ``docs`` of a simulate request, as Elasticsearch reads them (``_index`` and ``_id``
    default to ``_index`` and ``_id``)."""
    options = Options(None, None, body)
    docs = options.list("docs") or []
    if not docs:
        raise IllegalArgument("must specify at least one document in [docs]")
    documents = []
    for entry in docs:
        if not isinstance(entry, dict):
            raise IllegalArgument("malformed [docs] section, should include an inner object")
        fields = Options(None, None, entry)
        source = fields.map("_source") or {}
        index = _string_or_int(fields, "_index", "_index")
        doc_id = _string_or_int(fields, "_id", "_id")
        routing = _string_or_int(fields, "_routing", None)
        version = MATCH_ANY
        if "_version" in entry:
            value = fields.object("_version")
            if isinstance(value, bool) or not isinstance(value, int):
                raise IllegalArgument(
                    "Failed to parse parameter [_version], only int or long is accepted"
                )
            version = value
        version_type = fields.optional_string("_version_type")
        if version_type is not None and version_type not in VERSION_TYPES:
            raise IllegalArgument(f"No version type match [{version_type}]")
        documents.append(
            IngestDocument(
                index,
                doc_id,
                source,
                routing=routing,
                version=version,
                version_type=version_type,
                if_seq_no=entry.get("_if_seq_no"),
                if_primary_term=entry.get("_if_primary_term"),
            )
        )
    return documents


def _string_or_int(options: Options, name: str, default: str | None) -> str | None:
    value = options.config.pop(name, None)
    if value is None:
        return default
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise options.error(name, f"property isn't a string or int, but of type [{jclass(value)}]")


def simulate(
    pipeline: Pipeline, documents: list[IngestDocument], lookup: Lookup, *, verbose: bool
) -> dict[str, Any]:
    return {"docs": [_one(pipeline, document, lookup, verbose) for document in documents]}


def _one(
    pipeline: Pipeline, document: IngestDocument, lookup: Lookup, verbose: bool
) -> dict[str, Any] | None:
    if verbose:
        trace: list[dict[str, Any]] = []
        with contextlib.suppress(EngineError):  # the failing processor is listed with its error
            Run(lookup, trace).execute(pipeline, document)
        return {"processor_results": trace}
    try:
        if not Run(lookup).execute(pipeline, document):
            return None
        return {"doc": document.to_dict()}
    except EngineError as error:
        return {"error": error.to_dict()["error"]}
