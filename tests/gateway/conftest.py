"""Fixtures of the gateway toolkit's tests: the engine's HTTP server as "Elasticsearch"."""

from __future__ import annotations
