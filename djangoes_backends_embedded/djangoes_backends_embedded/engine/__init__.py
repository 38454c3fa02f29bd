"""An Elasticsearch-compatible engine on tantivy, served in-process or over HTTP."""

from .cluster import VERSION, Engine
from .errors import EngineError
from .http import Request, Response

__all__ = ["VERSION", "Engine", "EngineError", "Request", "Response"]
