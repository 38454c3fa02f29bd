"""A pipeline: its processors and its ``on_failure`` processors, read from its definition."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Unsupported
from .config import Options
from .errors import ConfigError
from .parsing import Parser
from .processor import Step

#: How deep ``pipeline`` processors may nest (``es.ingest.max_pipelines``).
MAX_PIPELINES = 100


@dataclass(slots=True, eq=False)
class Pipeline:
    id: str
    description: str | None = None
    version: int | None = None
    steps: list[Step] = field(default_factory=list)
    on_failure: list[Step] = field(default_factory=list)


def parse_pipeline(pipeline_id: str, body: Any, parser: Parser) -> Pipeline:
    """The pipeline a definition describes, or the ``parse_exception`` Elasticsearch gives."""
    if not isinstance(body, dict):
        raise ConfigError("pipeline definition must be an object")
    options = Options(None, None, body)
    description = options.optional_string("description")
    version = options.integer("version", None)
    options.map("_meta", required=False)
    options.boolean("deprecated", False)
    access = options.optional_string("field_access_pattern")
    if access not in (None, "classic"):
        raise Unsupported(f"[field_access_pattern] [{access}]")
    steps = parser.steps(options.list("processors"))
    failure_definitions = options.list("on_failure", required=False)
    on_failure = parser.steps(failure_definitions)
    if options.config:
        raise ConfigError(
            f"pipeline [{pipeline_id}] doesn't support one or more provided configuration "
            f"parameters [{', '.join(options.config)}]"
        )
    if failure_definitions is not None and not on_failure:
        raise ConfigError(
            f"pipeline [{pipeline_id}] cannot have an empty on_failure option defined"
        )
    return Pipeline(pipeline_id, description, version, steps, on_failure)
