"""The ``sort`` processor: a list field's values in ascending or descending order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...errors import IllegalArgument
from ...scripting.values import jclass
from ..document import IngestDocument
from ..processor import Factory, Processor

if TYPE_CHECKING:
    from ..config import Options
    from ..execution import Run
    from ..parsing import Parser

ORDERS = ("asc", "desc")


class SortProcessor(Processor):
    type = "sort"

    def __init__(self, field: str, descending: bool, target: str) -> None:
        super().__init__(None, None)
        self.field, self.descending, self.target = field, descending, target

    def execute(self, document: IngestDocument, run: Run) -> bool:
        values = document.get_typed(self.field, list, "java.util.List")
        if values is None:
            raise IllegalArgument(f"field [{self.field}] is null, cannot sort.")
        _check_sortable(values)
        document.set(self.target, sorted(values, reverse=self.descending))
        return True


def _check_sortable(values: list[Any]) -> None:
    """Values of one kind compare as Java's ``compareTo``; a mix of kinds cannot be sorted."""
    kinds = {_kind(value) for value in values}
    if len(kinds) > 1 or kinds & {"java.util.HashMap", "java.util.ArrayList", "null"}:
        shown = ", ".join(sorted(kinds))
        raise IllegalArgument(f"cannot sort values of different or unordered types [{shown}]")


def _kind(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "java.lang.Number"
    return jclass(value)


def _sort(options: Options, parser: Parser) -> Processor:
    field = options.string("field")
    target = options.string("target_field", field)
    order = options.string("order", "asc")
    if order.lower() not in ORDERS:
        raise options.error(
            "order", f"Sort direction [{order}] not recognized. Valid values are: [asc, desc]"
        )
    return SortProcessor(field, order.lower() == "desc", target)


FACTORIES: dict[str, Factory] = {"sort": _sort}
