"""Ingest pipelines, as Elasticsearch runs them on documents before they are indexed.

A pipeline is a list of processors (``set``, ``rename``, ``date``, ``script``...) that change a
document's source and metadata; it is stored with the cluster's metadata, tried out with the
simulate API, and applied to writes named with ``?pipeline=`` or through the target index's
``index.default_pipeline`` and ``index.final_pipeline``. This package knows nothing of HTTP or of
the cluster: the handlers give it definitions and index settings.

* :mod:`.document`: the document processors work on, with Elasticsearch's field paths;
* :mod:`.templates`: ``{{field}}`` templates in processor options;
* :mod:`.config`, :mod:`.parsing`, :mod:`.pipeline`: definitions read, checked and compiled;
* :mod:`.processor`, :mod:`.processors`: the processors;
* :mod:`.execution`: running them (``if``, ``ignore_failure``, ``on_failure``, ``drop``);
* :mod:`.registry`: the stored pipelines, compiled once;
* :mod:`.simulate` and :mod:`.writes`: the simulate API and the write path.
"""

from __future__ import annotations

from .errors import ConfigError
from .pipeline import Pipeline
from .registry import Pipelines, compile_pipeline
from .simulate import SIMULATED_PIPELINE_ID, parse_documents, simulate
from .writes import AUTO_GENERATED, Ingested, dropped_response, ingest

__all__ = [
    "AUTO_GENERATED",
    "SIMULATED_PIPELINE_ID",
    "ConfigError",
    "Ingested",
    "Pipeline",
    "Pipelines",
    "compile_pipeline",
    "dropped_response",
    "ingest",
    "parse_documents",
    "simulate",
]
