"""Snapshot APIs on a node without snapshot repositories.

The engine has no snapshot repositories (a data directory is backed up by copying it, with the
engine stopped): listing them answers the empty answer Elasticsearch gives, and anything naming
a repository answers Elasticsearch's ``repository_missing_exception``. Registering one is refused
by name.
"""

from __future__ import annotations

from ..cluster import Cluster
from ..errors import NotFound, Unsupported
from ..http import Request
from .arguments import split


class RepositoryMissing(NotFound):
    type = "repository_missing_exception"

    def __init__(self, name: str) -> None:
        super().__init__(f"[{name}] missing")


def get_repository(engine: Cluster, request: Request, name: str | None = None):
    for part in split(name):
        if part != "_all" and "*" not in part:
            raise RepositoryMissing(part)
    return 200, {}


def put_repository(engine: Cluster, request: Request, name: str):
    raise Unsupported("registering snapshot repositories")


def missing_repository(engine: Cluster, request: Request, name: str, **_: str):
    """Every API on a named repository: it does not exist."""
    raise RepositoryMissing(name)


def status(engine: Cluster, request: Request):
    return 200, {"snapshots": []}
