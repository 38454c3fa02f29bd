"""The REST layer: routes from (method, path) to the API handlers, error rendering and
``filter_path``. Above it are the transports (the HTTP server, the in-process node); below it
the handlers (:mod:`..api`).
"""

from .routes import dispatch

__all__ = ["dispatch"]
