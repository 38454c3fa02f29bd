"""From a pipeline's JSON definition to its steps, refusing what Elasticsearch refuses.

The order of the checks follows ``ConfigurationUtils.readProcessor``: the ``tag``, the
``description`` and the ``if`` are read first, then the type is looked up (``No processor type
exists with name [x]``), then ``ignore_failure`` and ``on_failure``, then the processor's own
options, and whatever is left over is an unsupported parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import EngineError, Unsupported
from ..scripting import compile_condition
from ..scripting.values import jclass
from .config import Options
from .errors import config_error, with_metadata
from .processor import Condition, Factory, Step
from .processors import NOT_IMPLEMENTED


class Parser:
    """Parses processor definitions with a registry of processor types."""

    def __init__(self, registry: Mapping[str, Factory]) -> None:
        self.registry = registry

    def steps(self, definitions: list[Any] | None) -> list[Step]:
        """A list of ``{type: options}`` objects (``processors``, ``on_failure``)."""
        steps: list[Step] = []
        for definition in definitions or ():
            if not isinstance(definition, dict):
                raise config_error(
                    None,
                    None,
                    None,
                    f"processor definition isn't a map, but of type [{jclass(definition)}]",
                )
            for processor_type, options in definition.items():
                if options is None:
                    raise config_error(
                        processor_type, None, None, "processor config cannot be [null]"
                    )
                steps.append(self.step(processor_type, options))
        return steps

    def step(self, processor_type: str, options: Any) -> Step:
        if isinstance(options, str) and processor_type == "script":
            options = {"source": options}
        if not isinstance(options, dict):
            raise config_error(
                processor_type,
                None,
                None,
                f"property isn't a map, but of type [{jclass(options)}]",
            )
        reader = Options(None, None, options)
        tag = reader.optional_string("tag")
        reader.tag = tag
        description = reader.optional_string("description")
        condition = self._condition(reader.config.pop("if", None), tag)
        factory = self.registry.get(processor_type)
        if factory is None and processor_type in NOT_IMPLEMENTED:
            raise with_metadata(
                Unsupported(f"the [{processor_type}] ingest processor"), processor_type, tag, None
            )
        if factory is None:
            raise config_error(
                processor_type, tag, None, f"No processor type exists with name [{processor_type}]"
            )
        ignore_failure = reader.boolean("ignore_failure", False)
        failure_definitions = reader.list("on_failure", required=False)
        on_failure = self.steps(failure_definitions)
        if failure_definitions is not None and not on_failure:
            raise config_error(processor_type, tag, "on_failure", "processors list cannot be empty")
        reader.type = processor_type
        try:
            processor = factory(reader, self)
            processor.tag, processor.description = tag, description
            if reader.config:
                shown = ", ".join(reader.config)
                raise config_error(
                    None,
                    None,
                    None,
                    f"processor [{processor_type}] doesn't support one or more provided "
                    f"configuration parameters [{shown}]",
                )
        except EngineError as error:
            raise with_metadata(error, processor_type, tag, None) from None
        return Step(processor, condition, ignore_failure, on_failure)

    @staticmethod
    def _condition(script: Any, tag: str | None) -> Condition | None:
        if script is None:
            return None
        if not isinstance(script, (str, dict)):
            raise config_error(
                "conditional",
                None,
                "script",
                f"property isn't a map or string, but of type [{jclass(script)}]",
            )
        try:
            compiled = compile_condition(script)
        except EngineError as error:
            raise with_metadata(error, "conditional", tag, None) from None
        return Condition(compiled.source, compiled)
