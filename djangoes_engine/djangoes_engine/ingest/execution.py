"""Running pipelines on a document: conditions, failures, ``on_failure``, nested pipelines.

Elasticsearch's ``CompoundProcessor`` semantics: a processor that fails is skipped if it has
``ignore_failure``; else its ``on_failure`` processors run with ``_ingest.on_failure_message``,
``on_failure_processor_type``, ``on_failure_processor_tag`` (and ``on_failure_pipeline`` inside a
nested pipeline) set; else the failure goes up to the pipeline's own ``on_failure``, and from there
to the write, which fails with the processor's error. A ``drop`` stops everything: the document
is not written.

With a ``trace`` list, each processor's outcome is recorded as the simulate API's ``verbose``
mode lists it (``success``, ``error``, ``error_ignored``, ``skipped``, ``dropped``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import EngineError
from .document import MISSING, IngestDocument
from .errors import IllegalState, ProcessorFailed
from .pipeline import MAX_PIPELINES, Pipeline
from .processor import Step
from .processors.flow import PipelineProcessor

ON_FAILURE_KEYS = (
    "on_failure_message",
    "on_failure_processor_type",
    "on_failure_processor_tag",
    "on_failure_pipeline",
)

#: Finds a stored pipeline by id (None if there is none).
Lookup = Callable[[str], Pipeline | None]


class Run:
    """One document's way through pipelines: the stored pipelines it may call, and its trace."""

    def __init__(self, lookup: Lookup, trace: list[dict[str, Any]] | None = None) -> None:
        self.lookup = lookup
        self.trace = trace

    def execute(self, pipeline: Pipeline, document: IngestDocument) -> bool:
        """Run a top-level pipeline: False if the document was dropped; the failing processor's
        error (an EngineError) if it failed."""
        try:
            return self.pipeline(pipeline, document)
        except ProcessorFailed as failed:
            raise failed.cause from None

    def pipeline(self, pipeline: Pipeline, document: IngestDocument) -> bool:
        if not pipeline.steps:
            return True
        if len(document.pipelines) >= MAX_PIPELINES:
            raise IllegalState(
                f"Too many nested pipelines. Cannot have more than {MAX_PIPELINES} nested pipelines"
            )
        if pipeline.id in document.pipelines:
            raise IllegalState(f"Cycle detected for pipeline: {pipeline.id}")
        previous = document.ingest.get("pipeline", MISSING)
        document.ingest["pipeline"] = pipeline.id
        document.pipelines.append(pipeline.id)
        try:
            try:
                return self.steps(pipeline.steps, document)
            except ProcessorFailed as failed:
                if not pipeline.on_failure:
                    raise
                return self.on_failure(pipeline.on_failure, failed, document)
        finally:
            document.pipelines.pop()
            if previous is MISSING:
                document.ingest.pop("pipeline", None)
            else:
                document.ingest["pipeline"] = previous

    def steps(self, steps: list[Step], document: IngestDocument) -> bool:
        return all(self.step(step, document) for step in steps)

    def step(self, step: Step, document: IngestDocument) -> bool:
        """Run one processor with its options: False if it dropped the document."""
        processor = step.processor
        condition = None
        if step.condition is not None:
            try:
                passed = step.condition.test(document)
            except EngineError as error:
                raise ProcessorFailed(
                    error, "conditional", processor.tag, list(document.pipelines)
                ) from None
            condition = {"condition": step.condition.source, "result": passed}
            if not passed:
                self._record(step, "skipped", condition)
                return True
        listed = False  # whether the failure is listed already, by the processor that failed
        try:
            if self.trace is not None and isinstance(processor, PipelineProcessor):
                target = processor.target(document, self)
                if target is None:
                    return True
                self._check_cycle(target, document)
                self._record(step, "success", condition)
                listed = True  # the called pipeline's processors list their own outcomes
                return self.pipeline(target, document)
            kept = processor.execute(document, self)
            if kept:
                document.check_metadata()
        except ProcessorFailed as failed:
            failure = failed
        except EngineError as error:
            failure = ProcessorFailed(
                error, processor.type, processor.tag, list(document.pipelines)
            )
        else:
            if kept:
                self._record(step, "success", condition, doc=document)
            else:
                self._record(step, "dropped", condition)
            return kept
        if step.ignore_failure:
            if not listed:
                self._record(step, "error_ignored", condition, error=failure.cause, doc=document)
            return True
        if not listed:
            self._record(step, "error", condition, error=failure.cause)
        if not step.on_failure:
            raise failure
        return self.on_failure(step.on_failure, failure, document)

    def on_failure(
        self, steps: list[Step], failed: ProcessorFailed, document: IngestDocument
    ) -> bool:
        metadata = document.ingest
        metadata["on_failure_message"] = _root_message(failed.cause)
        metadata["on_failure_processor_type"] = failed.processor_type
        metadata["on_failure_processor_tag"] = failed.tag
        if len(failed.pipelines) > 1:
            metadata["on_failure_pipeline"] = failed.pipelines[-1]
        try:
            return self.steps(steps, document)
        finally:
            for key in ON_FAILURE_KEYS:
                metadata.pop(key, None)

    def _check_cycle(self, target: Pipeline, document: IngestDocument) -> None:
        """In verbose mode, a cycle is reported on the ``pipeline`` processor that would enter
        it, before anything runs: a dry run on a copy finds it."""
        try:
            Run(self.lookup).pipeline(target, document.copy())
        except ProcessorFailed as failed:
            if _is_graph_error(failed.cause):
                raise failed.cause from None
        except EngineError as error:
            if _is_graph_error(error):
                raise

    def _record(
        self,
        step: Step,
        status: str,
        condition: dict[str, Any] | None,
        *,
        error: EngineError | None = None,
        doc: IngestDocument | None = None,
    ) -> None:
        if self.trace is None:
            return
        processor = step.processor
        record: dict[str, Any] = {"processor_type": processor.type, "status": status}
        if processor.description is not None:
            record["description"] = processor.description
        if processor.tag is not None:
            record["tag"] = processor.tag
        if condition is not None:
            record["if"] = condition
        if error is not None:
            rendered = error.to_dict()["error"]
            if doc is not None:
                record["ignored_error"] = {"error": rendered}
            else:
                record["error"] = rendered
        if doc is not None:
            record["doc"] = doc.to_dict()
        self.trace.append(record)


def _is_graph_error(error: EngineError) -> bool:
    return isinstance(error, IllegalState) and error.reason.startswith(
        ("Cycle detected", "Too many nested")
    )


def _root_message(error: EngineError) -> str:
    while error.caused_by is not None:
        error = error.caused_by
    return error.reason
