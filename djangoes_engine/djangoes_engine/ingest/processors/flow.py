"""Processors that steer a document: drop, fail, pipeline (another pipeline), foreach."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...errors import EngineError, IllegalArgument
from ...scripting.values import jclass
from ..document import MISSING, IngestDocument
from ..errors import IllegalState, ProcessorFailed
from ..processor import Factory, Processor, Step
from ..templates import Template

if TYPE_CHECKING:
    from ..config import Options
    from ..execution import Run
    from ..parsing import Parser
    from ..pipeline import Pipeline


class DropProcessor(Processor):
    type = "drop"

    def execute(self, document: IngestDocument, run: Run) -> bool:
        return False


def _drop(options: Options, parser: Parser) -> Processor:
    return DropProcessor(None, None)


class FailProcessorError(EngineError):
    """The ``fail`` processor's error: Elasticsearch's ``FailProcessorException`` (a 500)."""

    status = 500
    type = "fail_processor_exception"


class FailProcessor(Processor):
    type = "fail"

    def __init__(self, message: Template) -> None:
        super().__init__(None, None)
        self.message = message

    def execute(self, document: IngestDocument, run: Run) -> bool:
        raise FailProcessorError(self.message.render(document))


def _fail(options: Options, parser: Parser) -> Processor:
    return FailProcessor(options.template("message"))


class PipelineProcessor(Processor):
    """Runs another (stored) pipeline, named by a template, on the document."""

    type = "pipeline"

    def __init__(self, name: Template, ignore_missing_pipeline: bool) -> None:
        super().__init__(None, None)
        self.name, self.ignore_missing_pipeline = name, ignore_missing_pipeline

    def target(self, document: IngestDocument, run: Run) -> Pipeline | None:
        """The pipeline to call; None to skip a missing one with ``ignore_missing_pipeline``."""
        name = self.name.render(document)
        pipeline = run.lookup(name)
        if pipeline is None and not self.ignore_missing_pipeline:
            raise IllegalState(f"Pipeline processor configured for non-existent pipeline [{name}]")
        return pipeline

    def execute(self, document: IngestDocument, run: Run) -> bool:
        pipeline = self.target(document, run)
        return True if pipeline is None else run.pipeline(pipeline, document)


def _pipeline(options: Options, parser: Parser) -> Processor:
    name = options.template("name")
    ignore_missing_pipeline = options.boolean("ignore_missing_pipeline", False)
    return PipelineProcessor(name, ignore_missing_pipeline)


class ForEachProcessor(Processor):
    """Runs one processor on each element of a list (``_ingest._value``), or each entry of a
    map (``_ingest._key`` and ``_ingest._value``)."""

    type = "foreach"

    def __init__(self, field: str, step: Step, ignore_missing: bool) -> None:
        super().__init__(None, None)
        self.field, self.step, self.ignore_missing = field, step, ignore_missing

    def execute(self, document: IngestDocument, run: Run) -> bool:
        values = document.get(self.field, ignore_missing=self.ignore_missing)
        if values is MISSING or (values is None and self.ignore_missing):
            return True
        if values is None:
            raise IllegalArgument(f"field [{self.field}] is null, cannot loop over its elements.")
        inner = type(run)(run.lookup)  # the inner processor is not listed by verbose simulate
        if isinstance(values, dict):
            return self._entries(values, document, inner)
        if not isinstance(values, list):
            raise IllegalArgument(
                f"field [{self.field}] of type [{jclass(values)}] cannot be cast to a list or map"
            )
        ingest = document.ingest
        results: list[Any] = []
        for value in list(values):
            previous = ingest.get("_value", MISSING)
            ingest["_value"] = value
            try:
                kept = self._run(inner, document)
            finally:
                results.append(ingest.get("_value"))
                _restore(ingest, "_value", previous)
            if not kept:
                return False
        document.set(self.field, results)
        return True

    def _entries(self, values: dict[str, Any], document: IngestDocument, inner: Run) -> bool:
        ingest = document.ingest
        results: dict[str, Any] = {}
        for key, value in list(values.items()):
            previous_key = ingest.get("_key", MISSING)
            previous_value = ingest.get("_value", MISSING)
            ingest["_key"], ingest["_value"] = key, value
            try:
                kept = self._run(inner, document)
            finally:
                new_key, new_value = ingest.get("_key"), ingest.get("_value")
                _restore(ingest, "_key", previous_key)
                _restore(ingest, "_value", previous_value)
            if not kept:
                return False
            if isinstance(new_key, str) and new_key.strip():
                results[new_key] = new_value
        document.set(self.field, results)
        return True

    def _run(self, inner: Run, document: IngestDocument) -> bool:
        try:
            return inner.step(self.step, document)
        except ProcessorFailed as failed:  # reported as the foreach's own failure
            raise failed.cause from None


def _restore(ingest: dict[str, Any], key: str, previous: Any) -> None:
    # Java's ``put(key, previous)``: a key that was absent is left behind with a null value.
    ingest[key] = None if previous is MISSING else previous


def _foreach(options: Options, parser: Parser) -> Processor:
    field = options.string("field")
    ignore_missing = options.boolean("ignore_missing", False)
    definition = options.map("processor") or {}
    if len(definition) != 1:
        raise options.error("processor", "Must specify exactly one processor type")
    ((processor_type, processor_options),) = definition.items()
    return ForEachProcessor(field, parser.step(processor_type, processor_options), ignore_missing)


FACTORIES: dict[str, Factory] = {
    "drop": _drop,
    "fail": _fail,
    "pipeline": _pipeline,
    "foreach": _foreach,
}
