"""Processors on string values: lowercase, uppercase, trim, gsub, split, join.

``lowercase``, ``uppercase``, ``trim`` and ``gsub`` take a string or a list of strings (each is
changed), as Elasticsearch's ``AbstractStringProcessor``; ``gsub`` and ``split`` take Java
regular expressions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ...analysis.javaregex import _java_regex, _java_replacement
from ...errors import EngineError, IllegalArgument
from ...scripting.values import jclass, jstr
from ..document import MISSING, IngestDocument
from ..processor import Factory, Processor

if TYPE_CHECKING:
    from ..config import Options
    from ..execution import Run
    from ..parsing import Parser


class StringProcessor(Processor):
    """Changes a string field, or each string of a list field, into ``target_field``."""

    def __init__(self, field: str, target: str, ignore_missing: bool) -> None:
        super().__init__(None, None)
        self.field, self.target, self.ignore_missing = field, target, ignore_missing

    def process(self, value: str) -> str:
        raise NotImplementedError

    def execute(self, document: IngestDocument, run: Run) -> bool:
        value = document.get(self.field, ignore_missing=self.ignore_missing)
        if value is MISSING or (value is None and self.ignore_missing):
            return True
        if value is None:
            raise IllegalArgument(f"field [{self.field}] is null, cannot process it.")
        if isinstance(value, list):
            changed = []
            for item in value:
                if not isinstance(item, str):
                    raise IllegalArgument(
                        f"value [{jstr(item)}] of type [{jclass(item)}] in list field "
                        f"[{self.field}] cannot be cast to [java.lang.String]"
                    )
                changed.append(self.process(item))
            document.set(self.target, changed)
            return True
        if not isinstance(value, str):
            raise IllegalArgument(
                f"field [{self.field}] of type [{jclass(value)}] cannot be cast to "
                "[java.lang.String]"
            )
        document.set(self.target, self.process(value))
        return True


class LowercaseProcessor(StringProcessor):
    type = "lowercase"

    def process(self, value: str) -> str:
        return value.lower()


class UppercaseProcessor(StringProcessor):
    type = "uppercase"

    def process(self, value: str) -> str:
        return value.upper()


class TrimProcessor(StringProcessor):
    type = "trim"

    def process(self, value: str) -> str:
        return _java_trim(value)


def _java_trim(value: str) -> str:
    """``String.trim``: every character up to U+0020 goes, at both ends."""
    start, end = 0, len(value)
    while start < end and value[start] <= " ":
        start += 1
    while end > start and value[end - 1] <= " ":
        end -= 1
    return value[start:end]


class GsubProcessor(StringProcessor):
    type = "gsub"

    def __init__(
        self, field: str, target: str, ignore_missing: bool, pattern: re.Pattern[str], repl: str
    ) -> None:
        super().__init__(field, target, ignore_missing)
        self.pattern, self.replacement = pattern, repl

    def process(self, value: str) -> str:
        return self.pattern.sub(lambda match: match.expand(self.replacement), value)


def _string(kind: type[StringProcessor]) -> Factory:
    def factory(options: Options, parser: Parser) -> Processor:
        field = options.string("field")
        ignore_missing = options.boolean("ignore_missing", False)
        target = options.string("target_field", field)
        return kind(field, target, ignore_missing)

    return factory


def _gsub(options: Options, parser: Parser) -> Processor:
    field = options.string("field")
    ignore_missing = options.boolean("ignore_missing", False)
    target = options.string("target_field", field)
    source = options.string("pattern")
    try:
        pattern = _java_regex(source, None, "gsub")
    except EngineError as error:
        raise options.error("pattern", f"Invalid regex pattern. {error.reason}") from None
    replacement = options.string("replacement")
    return GsubProcessor(field, target, ignore_missing, pattern, _java_replacement(replacement))


class SplitProcessor(Processor):
    type = "split"

    def __init__(
        self,
        field: str,
        separator: re.Pattern[str],
        target: str,
        ignore_missing: bool,
        preserve_trailing: bool,
    ) -> None:
        super().__init__(None, None)
        self.field, self.separator, self.target = field, separator, target
        self.ignore_missing, self.preserve_trailing = ignore_missing, preserve_trailing

    def execute(self, document: IngestDocument, run: Run) -> bool:
        value = document.get_typed(
            self.field, str, "java.lang.String", ignore_missing=self.ignore_missing
        )
        if value is MISSING or (value is None and self.ignore_missing):
            return True
        if value is None:
            raise IllegalArgument(f"field [{self.field}] is null, cannot split.")
        document.set(self.target, java_split(self.separator, value, self.preserve_trailing))
        return True


def java_split(separator: re.Pattern[str], value: str, keep_trailing: bool) -> list[str]:
    """``String.split(regex)`` (``limit`` -1 with ``keep_trailing``): trailing empty strings
    go, and a zero-width match at the start makes no leading empty string."""
    if not value:
        return [value]
    parts: list[str] = []
    start = 0
    for match in separator.finditer(value):
        if match.end() == 0:
            continue
        if match.start() == match.end() and match.start() >= len(value):
            break
        parts.append(value[start : match.start()])
        start = match.end()
    parts.append(value[start:])
    if not keep_trailing:
        while len(parts) > 1 and parts[-1] == "":
            parts.pop()
        if parts == [""]:
            return []
    return parts


def _split(options: Options, parser: Parser) -> Processor:
    field = options.string("field")
    separator = options.string("separator")
    try:
        compiled = _java_regex(separator, None, "split")
    except EngineError as error:
        raise options.error("separator", f"Invalid regex pattern. {error.reason}") from None
    target = options.string("target_field", field)
    ignore_missing = options.boolean("ignore_missing", False)
    preserve_trailing = options.boolean("preserve_trailing", False)
    return SplitProcessor(field, compiled, target, ignore_missing, preserve_trailing)


class JoinProcessor(Processor):
    type = "join"

    def __init__(self, field: str, separator: str, target: str) -> None:
        super().__init__(None, None)
        self.field, self.separator, self.target = field, separator, target

    def execute(self, document: IngestDocument, run: Run) -> bool:
        value = document.get_typed(self.field, list, "java.util.List")
        if value is None:
            raise IllegalArgument(f"field [{self.field}] is null, cannot join.")
        document.set(self.target, self.separator.join(jstr(item) for item in value))
        return True


def _join(options: Options, parser: Parser) -> Processor:
    field = options.string("field")
    separator = options.string("separator")
    target = options.string("target_field", field)
    return JoinProcessor(field, separator, target)


_MAKERS: dict[str, Callable[[Options, Parser], Processor]] = {
    "lowercase": _string(LowercaseProcessor),
    "uppercase": _string(UppercaseProcessor),
    "trim": _string(TrimProcessor),
    "gsub": _gsub,
    "split": _split,
    "join": _join,
}
FACTORIES: dict[str, Factory] = dict(_MAKERS)
