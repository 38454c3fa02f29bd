"""Pipelines on the way into an index: which run for a write, and what the write becomes.

As Elasticsearch resolves them: the request's ``pipeline`` (or else the target index's
``index.default_pipeline``; ``_none`` for neither), then the index's ``index.final_pipeline``,
always. A pipeline may send the document elsewhere by setting ``_index``: then the new index's
final pipeline runs instead (its default one does not), and a final pipeline may not move it.
``_id`` and ``_routing`` may change too. A ``drop`` means no write at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import IllegalArgument
from ..scripting.values import jstr
from .document import MATCH_ANY, IngestDocument
from .errors import IllegalState
from .execution import Run
from .registry import Pipelines

NONE = "_none"
#: The ``_id`` Elasticsearch reports for a dropped document that had none.
AUTO_GENERATED = "auto-generated"

#: The ``index.default_pipeline`` and ``index.final_pipeline`` of the index a name writes to.
IndexPipelines = Callable[[str], tuple[str | None, str | None]]


@dataclass(slots=True)
class Ingested:
    """A write after its pipelines: where it goes and what it holds, or that it was dropped."""

    index: str
    doc_id: str | None
    routing: str | None
    source: dict[str, Any]
    version: int | None = None
    version_type: str | None = None
    if_seq_no: int | None = None
    if_primary_term: int | None = None
    dropped: bool = False


def ingest(
    pipelines: Pipelines,
    index_pipelines: IndexPipelines,
    index: str,
    doc_id: str | None,
    source: dict[str, Any],
    *,
    requested: str | None = None,
    routing: str | None = None,
    version: int | None = None,
    version_type: str | None = None,
    if_seq_no: int | None = None,
    if_primary_term: int | None = None,
) -> Ingested | None:
    """Run the pipelines a write to ``index`` goes through; None if there are none.

    A pipeline that does not exist is ``pipeline with id [x] does not exist``; a processor's
    failure is its error (an EngineError) for this write alone.
    """
    default, final = index_pipelines(index)
    first = requested if requested is not None else default
    queue = [(name, is_final) for name, is_final in ((first, False), (final, True)) if _real(name)]
    if not queue:
        return None
    document = IngestDocument(
        index,
        doc_id,
        source,
        routing=routing,
        version=MATCH_ANY if version is None else version,
        version_type=version_type,
        if_seq_no=if_seq_no,
        if_primary_term=if_primary_term,
    )
    run = Run(pipelines.get)
    history = [index]
    while queue:
        name, is_final = queue.pop(0)
        assert name is not None
        pipeline = pipelines.get(name)
        if pipeline is None:
            raise IllegalArgument(f"pipeline with id [{name}] does not exist")
        before = document.meta("_index")
        if not run.execute(pipeline, document):
            return Ingested(index, doc_id, routing, source, version, dropped=True)
        try:
            document.check_no_self_references()
        except IllegalArgument as error:
            raise IllegalArgument(
                f"Failed to generate the source document for ingest pipeline [{name}] for "
                f"document [{jstr(before)}/{jstr(document.meta('_id'))}]",
                caused_by=error,
            ) from None
        document.scripted = False
        after = document.meta("_index")
        if after == before:
            continue
        if is_final:
            raise IllegalState(
                f"final pipeline [{name}] can't change the target index (from [{before}] to "
                f"[{after}]) for document [{jstr(document.meta('_id'))}]"
            )
        if after in history:
            cycle = ", ".join(jstr(i) for i in [*history, after])
            raise IllegalState(
                f"index cycle detected while processing pipeline [{name}] for document "
                f"[{jstr(document.meta('_id'))}]: [{cycle}]"
            )
        history.append(after)
        # Moved by a processor (not rerouted): the new index's final pipeline runs, not its
        # default one, as in Elasticsearch.
        _, final = index_pipelines(after) if after is not None else (None, None)
        queue = [(final, True)] if _real(final) else []
    target = document.meta("_index")
    if target is None:
        raise IllegalArgument("index is missing")
    new_version = document.meta("_version")
    return Ingested(
        target,
        document.meta("_id"),
        document.meta("_routing"),
        document.source,
        None if new_version == MATCH_ANY else new_version,
        document.meta("_version_type"),
        document.meta("_if_seq_no"),
        document.meta("_if_primary_term"),
    )


def _real(name: str | None) -> bool:
    return bool(name) and name != NONE


def dropped_response(index: str, doc_id: str | None, version: int | None) -> dict[str, Any]:
    """What a write answers when a pipeline dropped its document (a noop, 200)."""
    return {
        "_index": index,
        "_id": doc_id if doc_id is not None else AUTO_GENERATED,
        "_version": MATCH_ANY if version is None else version,
        "result": "noop",
        "_shards": {"total": 0, "successful": 0, "failed": 0},
    }
