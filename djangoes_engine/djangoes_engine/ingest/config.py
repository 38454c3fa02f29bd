"""Reading a processor's options as Elasticsearch's ``ConfigurationUtils`` does.

Each read takes the option out of the definition, so that what is left at the end is what the
processor does not know (``processor [set] doesn't support one or more provided configuration
parameters [x]``); a missing or ill-typed option is a ``parse_exception`` naming the processor,
its tag and the option.
"""

from __future__ import annotations

from typing import Any

from ..errors import EngineError
from ..scripting.values import jclass, jstr
from .errors import config_error, with_metadata
from .templates import Template, ValueSource

_REQUIRED = object()


class Options:
    """The options of one processor definition, consumed as they are read."""

    __slots__ = ("config", "tag", "type")

    def __init__(self, processor_type: str | None, tag: str | None, config: dict[str, Any]):
        self.type = processor_type
        self.tag = tag
        self.config = dict(config)

    def error(self, name: str | None, reason: str) -> EngineError:
        return config_error(self.type, self.tag, name, reason)

    def _take(self, name: str) -> Any:
        return self.config.pop(name, None)

    def string(self, name: str, default: Any = _REQUIRED) -> Any:
        """A string option; ``default`` when absent (required without one)."""
        value = self._take(name)
        if value is None:
            if default is _REQUIRED:
                raise self.error(name, "required property is missing")
            return default
        if not isinstance(value, str):
            raise self.error(name, f"property isn't a string, but of type [{jclass(value)}]")
        return value

    def optional_string(self, name: str) -> str | None:
        value: str | None = self.string(name, None)
        return value

    def string_or_list(self, name: str) -> list[str]:
        """An option that is one string or a list of them (``remove``'s ``field``)."""
        value = self._take(name)
        if value is None:
            raise self.error(name, "required property is missing")
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return [str(item) for item in value]
        raise self.error(name, f"property isn't a list or string, but of type [{jclass(value)}]")

    def optional_string_or_list(self, name: str) -> list[str] | None:
        if self.config.get(name) is None:
            self.config.pop(name, None)
            return None
        return self.string_or_list(name)

    def boolean(self, name: str, default: bool) -> bool:
        value = self._take(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error(name, f"property isn't a boolean, but of type [{jclass(value)}]")
        return value

    def integer(self, name: str, default: int | None) -> int | None:
        value = self._take(name)
        if value is None:
            return default
        try:
            if isinstance(value, bool):
                raise ValueError
            return int(str(value))
        except ValueError:
            raise self.error(
                name, f"property cannot be converted to an int [{_text(value)}]"
            ) from None

    def list(self, name: str, *, required: bool = True) -> list[Any] | None:
        value = self._take(name)
        if value is None:
            if required:
                raise self.error(name, "required property is missing")
            return None
        if not isinstance(value, list):
            raise self.error(name, f"property isn't a list, but of type [{jclass(value)}]")
        return value

    def map(self, name: str, *, required: bool = True) -> dict[str, Any] | None:
        value = self._take(name)
        if value is None:
            if required:
                raise self.error(name, "required property is missing")
            return None
        if not isinstance(value, dict):
            raise self.error(name, f"property isn't a map, but of type [{jclass(value)}]")
        return value

    def object(self, name: str) -> Any:
        value = self._take(name)
        if value is None:
            raise self.error(name, "required property is missing")
        return value

    def template(self, name: str, default: Any = _REQUIRED) -> Template:
        """A string option that may hold mustache variables."""
        return self.compile(name, self.string(name, default))

    def optional_template(self, name: str) -> Template | None:
        text = self.optional_string(name)
        return None if text is None else self.compile(name, text)

    def compile(self, name: str, text: str) -> Template:
        try:
            return Template(text)
        except EngineError as error:
            raise with_metadata(error, self.type, self.tag, name) from None

    def value(self, name: str, value: Any) -> ValueSource:
        try:
            return ValueSource(value)
        except EngineError as error:
            raise with_metadata(error, self.type, self.tag, name) from None


def _text(value: Any) -> str:
    return jstr(value)
