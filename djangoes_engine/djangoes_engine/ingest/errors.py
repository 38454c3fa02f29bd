"""How ingest reports trouble: a bad pipeline definition, and a processor that failed.

A definition Elasticsearch refuses is a ``parse_exception`` that names the processor's type, its
tag and the property at fault (``processor_type``, ``processor_tag``, ``property_name``), as its
``ConfigurationUtils`` does. A processor that fails while a document runs keeps its own error (an
``illegal_argument_exception`` for a missing field...); :class:`ProcessorFailed` carries it through
the pipeline with the processor that raised it, for ``on_failure`` and ``_ingest.on_failure_*``.
"""

from __future__ import annotations

from typing import Any

from ..errors import BadRequest, EngineError


class ConfigError(BadRequest):
    """An ``ElasticsearchParseException`` about a pipeline or processor definition."""

    type = "parse_exception"


def config_error(
    processor_type: str | None,
    tag: str | None,
    property_name: str | None,
    reason: str,
) -> ConfigError:
    """``[property] reason`` with the processor's metadata, as Elasticsearch words it."""
    message = reason if property_name is None else f"[{property_name}] {reason}"
    return with_metadata(ConfigError(message), processor_type, tag, property_name)


def with_metadata(
    error: EngineError, processor_type: str | None, tag: str | None, property_name: str | None
) -> Any:
    """Add the processor's metadata to an error that does not name it yet."""
    for key, value in (
        ("processor_type", processor_type),
        ("processor_tag", tag),
        ("property_name", property_name),
    ):
        if value is not None and key not in error.extra:
            error.extra[key] = value
    return error


class IllegalState(EngineError):
    """Java's ``IllegalStateException``: a pipeline cycle, a missing nested pipeline."""

    status = 500
    type = "illegal_state_exception"


class ProcessorFailed(Exception):
    """A processor's error on its way up, with the processor and the pipelines it ran in."""

    def __init__(
        self, cause: EngineError, processor_type: str, tag: str | None, pipelines: list[str]
    ) -> None:
        super().__init__(cause.reason)
        self.cause = cause
        self.processor_type = processor_type
        self.tag = tag
        self.pipelines = pipelines
