"""The docs' ``...`` placeholders in settings, left out by the docs' runner.

A settings block of the docs shows where values go with ``...``, ``{...}`` or ``[...]``
(``"SETTINGS": {"settings": {...}}``): the runner leaves such keys out, so that the rest is
checked as it is written.
"""

from __future__ import annotations

from typing import Any


def placeholder(value: Any) -> bool:
    return value is Ellipsis or (
        isinstance(value, set | list | tuple) and len(value) == 1 and next(iter(value)) is Ellipsis
    )


def without(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: without(item) for key, item in value.items() if not placeholder(item)}
    if isinstance(value, list):
        return [without(item) for item in value if not placeholder(item)]
    return value


def drop_placeholders(settings: dict[str, Any]) -> None:
    """Leave the placeholders out of the settings module's ``UPPER`` names, in place."""
    for name, value in list(settings.items()):
        if name.isupper():
            settings[name] = without(value)
