"""What every processor shares: its type, tag and description, and the options around it.

A processor's own work is :meth:`Processor.execute`. The options Elasticsearch allows on every
processor (``if``, ``ignore_failure``, ``on_failure``, ``tag``, ``description``) wrap it in a
:class:`Step`, which :mod:`.execution` runs. Each processor type is a :data:`Factory` in the
registry (:mod:`.processors`) that reads its options (:class:`~.config.Options`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from ..scripting import CompiledScript
from .document import IngestDocument, copy_tree

if TYPE_CHECKING:
    from .config import Options
    from .execution import Run
    from .parsing import Parser


class Processor:
    """One processor of a pipeline; subclasses set :attr:`type` and implement :meth:`execute`."""

    type: ClassVar[str] = ""

    def __init__(self, tag: str | None, description: str | None) -> None:
        self.tag = tag
        self.description = description

    def execute(self, document: IngestDocument, run: Run) -> bool:
        """Change ``document``; False drops it (the ``drop`` processor)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.tag or ''}>"


#: Reads a processor's options into a processor; the parser reads nested processors.
Factory = Callable[["Options", "Parser"], Processor]


@dataclass(slots=True, eq=False)
class Condition:
    """A processor's ``if``: a Painless condition over a read-only view of the document."""

    source: str
    script: CompiledScript

    def test(self, document: IngestDocument) -> bool:
        # A copy: a condition sees the document but cannot change it.
        document.check_no_self_references()
        return self.script.test(copy_tree(document.ctx))


@dataclass(slots=True, eq=False)
class Step:
    """A processor with the options every processor has."""

    processor: Processor
    condition: Condition | None = None
    ignore_failure: bool = False
    on_failure: list[Step] = field(default_factory=list)
