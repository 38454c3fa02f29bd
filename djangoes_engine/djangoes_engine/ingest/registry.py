"""The stored pipelines, compiled once per definition.

A definition is parsed when it is stored (so a bad one is refused then) and again when a write
first uses it; the compiled pipeline is kept as long as its stored definition is the same object
(the cluster replaces a section's dict on every change, so identity is enough).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from .parsing import Parser
from .pipeline import Pipeline, parse_pipeline
from .processors import REGISTRY

PARSER = Parser(REGISTRY)


def compile_pipeline(pipeline_id: str, definition: Any) -> Pipeline:
    """The pipeline a definition describes; the ``parse_exception`` Elasticsearch gives if bad."""
    return parse_pipeline(pipeline_id, definition, PARSER)


class Pipelines:
    """Looks stored pipelines up by id, from a source of definitions (``{id: definition}``)."""

    def __init__(self, definitions: Callable[[], Mapping[str, Any]]) -> None:
        self._definitions = definitions
        self._compiled: dict[str, tuple[Any, Pipeline]] = {}
        self._lock = threading.Lock()

    def get(self, pipeline_id: str) -> Pipeline | None:
        definition = self._definitions().get(pipeline_id)
        if definition is None:
            return None
        cached = self._compiled.get(pipeline_id)
        if cached is not None and cached[0] is definition:
            return cached[1]
        pipeline = compile_pipeline(pipeline_id, definition)
        with self._lock:
            self._compiled[pipeline_id] = (definition, pipeline)
        return pipeline
