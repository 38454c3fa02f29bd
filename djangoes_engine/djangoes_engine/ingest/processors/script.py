"""The ``script`` processor: a Painless script that edits ``ctx`` (source fields and metadata).

The engine's :mod:`~djangoes_engine.scripting` runs it, as it runs update scripts; in a pipeline
``ctx`` holds the source fields themselves (``ctx.count += 1``) next to ``ctx._index``,
``ctx._id``... A script's failure is Elasticsearch's ``script_exception``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...scripting import CompiledScript, compile_script
from ..document import IngestDocument
from ..processor import Factory, Processor

if TYPE_CHECKING:
    from ..config import Options
    from ..execution import Run
    from ..parsing import Parser


class ScriptProcessor(Processor):
    type = "script"

    def __init__(self, script: CompiledScript) -> None:
        super().__init__(None, None)
        self.script = script

    def execute(self, document: IngestDocument, run: Run) -> bool:
        self.script.execute(document.ctx)
        document.scripted = True
        return True


def _script(options: Options, parser: Parser) -> Processor:
    config = options.config
    if "id" in config and "source" in config:
        raise options.error(None, "Only one of [id] or [source] may be configured")
    if "id" not in config and "source" not in config:
        raise options.error(None, "Need [id] or [source] for script processor")
    script: dict[str, Any] = {
        key: config.pop(key) for key in ("id", "source", "lang", "params") if key in config
    }
    return ScriptProcessor(compile_script(script))


FACTORIES: dict[str, Factory] = {"script": _script}
