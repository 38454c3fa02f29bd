"""Aggregations: the implementation is the :mod:`.aggs` package; searches import this name."""

from __future__ import annotations

from .aggs import aggregate

__all__ = ["aggregate"]
