"""The processor types pipelines may use, by name, each read by its factory."""

from __future__ import annotations

from ..processor import Factory
from . import convert, date, fields, flow, jsonparse, script, strings

REGISTRY: dict[str, Factory] = {
    **fields.FACTORIES,
    **strings.FACTORIES,
    **convert.FACTORIES,
    **date.FACTORIES,
    **jsonparse.FACTORIES,
    **flow.FACTORIES,
    **script.FACTORIES,
}

__all__ = ["REGISTRY"]
