"""The ``json`` processor: a string field parsed as JSON, into a field or the document root."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ...errors import IllegalArgument
from ...scripting.values import jstr
from ..document import IngestDocument
from ..processor import Factory, Processor

if TYPE_CHECKING:
    from ..config import Options
    from ..execution import Run
    from ..parsing import Parser

STRATEGIES = ("replace", "merge")


class JsonProcessor(Processor):
    type = "json"

    def __init__(
        self,
        field: str,
        target: str | None,
        add_to_root: bool,
        strategy: str,
        allow_duplicate_keys: bool,
        strict: bool,
    ) -> None:
        super().__init__(None, None)
        self.field, self.target, self.add_to_root = field, target, add_to_root
        self.strategy, self.allow_duplicate_keys, self.strict = (
            strategy,
            allow_duplicate_keys,
            strict,
        )

    def execute(self, document: IngestDocument, run: Run) -> bool:
        if not self.add_to_root:
            value = self.parse(document.get(self.field))
            document.set(self.target or self.field, value)
            return True
        value = self.parse(document.ctx.get(self.field))
        if not isinstance(value, dict):
            raise IllegalArgument("cannot add non-map fields to root of document")
        if self.strategy == "merge":
            _merge(document.ctx, value)
        else:
            document.ctx.update(value)
        return True

    def parse(self, value: Any) -> Any:
        """The first JSON value of the text; with ``strict_json_parsing``, the only one."""
        text = "null" if value is None else jstr(value)
        pairs_hook = None if self.allow_duplicate_keys else _no_duplicates
        decoder = json.JSONDecoder(object_pairs_hook=pairs_hook, parse_constant=_not_json)
        stripped = text.lstrip(" \t\r\n")
        try:
            parsed, end = decoder.raw_decode(stripped)
        except ValueError as error:
            raise IllegalArgument(f"{type(error).__name__}: {error}") from None
        if self.strict and stripped[end:].strip(" \t\r\n"):
            raise IllegalArgument(
                f"The input {text} is not valid JSON and the strict_json_parsing parameter is true"
            )
        return parsed


def _not_json(name: str) -> Any:
    raise ValueError(f"Unrecognized token '{name}'")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, item in pairs:
        if key in result:
            raise ValueError(f"Duplicate field '{key}'")
        result[key] = item
    return result


def _merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            _merge(current, value)
        else:
            target[key] = value


def _json(options: Options, parser: Parser) -> Processor:
    field = options.string("field")
    target = options.optional_string("target_field")
    add_to_root = options.boolean("add_to_root", False)
    allow_duplicate_keys = options.boolean("allow_duplicate_keys", False)
    strategy = options.optional_string("add_to_root_conflict_strategy")
    if strategy is not None and strategy.lower() not in STRATEGIES:
        raise options.error(
            "add_to_root_conflict_strategy",
            f"conflict strategy [{strategy}] not supported, cannot convert field.",
        )
    if add_to_root and target is not None:
        raise options.error(
            "target_field", "Cannot set a target field while also setting `add_to_root` to true"
        )
    if not add_to_root and strategy is not None:
        raise options.error(
            "add_to_root_conflict_strategy",
            "Cannot set `add_to_root_conflict_strategy` if `add_to_root` is false",
        )
    strict = options.boolean("strict_json_parsing", True)
    return JsonProcessor(
        field, target, add_to_root, (strategy or "replace").lower(), allow_duplicate_keys, strict
    )


FACTORIES: dict[str, Factory] = {"json": _json}
