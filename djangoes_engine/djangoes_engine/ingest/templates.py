"""Mustache templates in processor options, at the level pipelines use them.

A field name (``"{{dest}}_copy"``), a ``set`` value (``"{{first}} {{last}}"``), a ``fail``
message: Elasticsearch compiles these with its mustache engine against the document, where a
name is a dotted path into the source and metadata, ``_source.x`` or ``_ingest.x``. This module
renders variables only: ``{{name}}`` (escaped as inside a JSON string, Elasticsearch's default
encoder), ``{{{name}}}`` and ``{{& name}}`` (as they are). Sections, partials, comments and
delimiter changes are refused when the pipeline is defined, naming what is unsupported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import Unsupported
from ..scripting.values import jstr

if TYPE_CHECKING:
    from .document import IngestDocument

_TAG = re.compile(r"\{\{\{\s*(.*?)\s*\}\}\}|\{\{\s*(.*?)\s*\}\}", re.S)


class Template:
    """A string with mustache variables, compiled once, rendered against documents."""

    __slots__ = ("parts", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        #: Literal text, or (dotted name, escape?) for each variable.
        self.parts: list[str | tuple[list[str], bool]] = []
        position = 0
        for match in _TAG.finditer(source):
            if match.start() > position:
                self.parts.append(source[position : match.start()])
            position = match.end()
            triple, plain = match.group(1), match.group(2)
            if triple is not None:
                self.parts.append((_name(triple), False))
            elif plain.startswith("&"):
                self.parts.append((_name(plain[1:].strip()), False))
            elif plain[:1] in ("#", "^", "/", "!", ">", "=", "<", "$"):
                raise Unsupported(f"mustache tag [{{{{{plain}}}}}] in an ingest template")
            else:
                self.parts.append((_name(plain), True))
        if position < len(source):
            self.parts.append(source[position:])

    @property
    def is_template(self) -> bool:
        return any(not isinstance(part, str) for part in self.parts)

    def render(self, document: IngestDocument) -> str:
        return self._render(lambda names: lookup(document, names))

    def render_variables(self, variables: dict[str, Any]) -> str:
        """Rendered against plain variables (the phrase suggester's ``collate`` params)."""
        return self._render(lambda names: _dig(variables, names))

    def _render(self, resolve: Callable[[list[str]], Any]) -> str:
        if not self.is_template:
            return self.source
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            names, escape = part
            value = resolve(names)
            if value is None:
                continue
            text = jstr(value)
            out.append(json.dumps(text, ensure_ascii=False)[1:-1] if escape else text)
        return "".join(out)

    def __repr__(self) -> str:
        return f"Template({self.source!r})"


def _name(text: str) -> list[str]:
    if not text:
        raise Unsupported("an empty mustache tag in an ingest template")
    return text.split(".")


def _dig(value: Any, names: list[str]) -> Any:
    for name in names:
        if isinstance(value, dict):
            value = value.get(name)
        elif isinstance(value, list) and name.isdigit() and int(name) < len(value):
            value = value[int(name)]
        else:
            return None
    return value


def lookup(document: IngestDocument, names: list[str]) -> Any:
    """The value a mustache name resolves to in the document's model, None if it has none."""
    first = names[0]
    if first == "_ingest":
        value: Any = document.ingest
    elif first == "_source":
        value = document.ctx
    else:
        value = document.ctx.get(first)
    for name in names[1:]:
        if isinstance(value, dict):
            value = value.get(name)
        elif isinstance(value, list) and name.isdigit() and int(name) < len(value):
            value = value[int(name)]
        else:
            return None
    return value


class ValueSource:
    """A processor's ``value``: any JSON, whose strings (keys too) may be templates."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = _compile(value)

    @property
    def is_template(self) -> bool:
        return isinstance(self.value, Template)

    def resolve(self, document: IngestDocument) -> Any:
        """A fresh copy of the value with its templates rendered against ``document``."""
        return _resolve(self.value, document)


class _MapValue:
    __slots__ = ("items",)

    def __init__(self, items: list[tuple[Any, Any]]) -> None:
        self.items = items


def _compile(value: Any) -> Any:
    if isinstance(value, dict):
        return _MapValue([(_compile(key), _compile(item)) for key, item in value.items()])
    if isinstance(value, list):
        return [_compile(item) for item in value]
    if isinstance(value, str) and "{{" in value:
        return Template(value)
    return value


def _resolve(value: Any, document: IngestDocument) -> Any:
    if isinstance(value, Template):
        return value.render(document)
    if isinstance(value, _MapValue):
        return {_resolve(key, document): _resolve(item, document) for key, item in value.items}
    if isinstance(value, list):
        return [_resolve(item, document) for item in value]
    return value
