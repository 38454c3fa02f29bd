"""Errors in Elasticsearch's shape.

Every failure the engine reports is an :class:`EngineError`: it knows its HTTP status, its
Elasticsearch ``type`` and ``reason``, and renders the JSON body Elasticsearch sends, so a client
sees the same exception class and the same ``error.type`` whichever server it talks to.
"""

from __future__ import annotations

from typing import Any


class EngineError(Exception):
    """An error with an Elasticsearch ``type``, ``reason`` and HTTP ``status``."""

    status: int = 500
    type: str = "exception"
    #: Whether the root cause is the error this one wraps, as Elasticsearch reports an error
    #: caused by another of its own (its ``guessRootCauses``); the engine's errors mostly wrap
    #: Java's, whose wrapper is the root cause.
    cause_is_root: bool = False

    def __init__(
        self,
        reason: str,
        *,
        status: int | None = None,
        type: str | None = None,
        caused_by: EngineError | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        if status is not None:
            self.status = status
        if type is not None:
            self.type = type
        self.caused_by = caused_by
        self.extra = extra

    def cause_dict(self) -> dict[str, Any]:
        """The error as one entry of ``root_cause`` or ``caused_by``."""
        body: dict[str, Any] = {"type": self.type, "reason": self.reason, **self.extra}
        if self.caused_by is not None:
            body["caused_by"] = self.caused_by.cause_dict()
        return body

    def root_causes(self) -> list[dict[str, Any]]:
        if self.caused_by is not None and (self.cause_is_root or self.type in _WRAPPERS):
            return self.caused_by.root_causes()
        body = {"type": self.type, "reason": self.reason, **self.extra}
        return [body]

    def to_dict(self) -> dict[str, Any]:
        """The response body: ``{"error": {...}, "status": N}``."""
        error = {"root_cause": self.root_causes(), **self.cause_dict()}
        return {"error": error, "status": self.status}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.status}, {self.type!r}, {self.reason!r})"


# Errors whose root cause is the error they wrap, as Elasticsearch reports them.
_WRAPPERS = {"search_phase_execution_exception"}


class BadRequest(EngineError):
    status = 400
    type = "illegal_argument_exception"


class IllegalArgument(BadRequest):
    type = "illegal_argument_exception"


class ParsingError(BadRequest):
    """A request body that is well-formed JSON but not a valid request."""

    type = "parsing_exception"


class XContentParseError(BadRequest):
    type = "x_content_parse_exception"


class JsonParseError(BadRequest):
    """A request body that is not JSON at all."""

    type = "json_parse_exception"


class ValidationError(BadRequest):
    """Elasticsearch's ``action_request_validation_exception``: one or more numbered problems."""

    type = "action_request_validation_exception"

    def __init__(self, *problems: str) -> None:
        reason = "Validation Failed: " + "".join(
            f"{number}: {problem};" for number, problem in enumerate(problems, 1)
        )
        super().__init__(reason)


class MapperParsingError(BadRequest):
    type = "mapper_parsing_exception"


class StrictDynamicMappingError(BadRequest):
    type = "strict_dynamic_mapping_exception"


class InvalidIndexName(BadRequest):
    type = "invalid_index_name_exception"

    def __init__(self, name: str, why: str) -> None:
        super().__init__(f"Invalid index name [{name}], {why}", index=name, index_uuid="_na_")


class ResourceAlreadyExists(BadRequest):
    type = "resource_already_exists_exception"


class QueryShardError(BadRequest):
    type = "query_shard_exception"


class SearchPhaseError(BadRequest):
    """Wraps an error raised while searching, as Elasticsearch's search phase does."""

    type = "search_phase_execution_exception"

    def __init__(self, cause: EngineError, index: str | None = None) -> None:
        super().__init__("all shards failed", status=cause.status, caused_by=cause)
        self.extra = {
            "phase": "query",
            "grouped": True,
            "failed_shards": [
                {"shard": 0, "index": index, "node": "embedded", "reason": cause.cause_dict()}
            ],
        }


class NotFound(EngineError):
    status = 404
    type = "resource_not_found_exception"


class IndexNotFound(NotFound):
    type = "index_not_found_exception"

    def __init__(self, name: str) -> None:
        extra: dict[str, Any] = {
            "resource.type": "index_or_alias",
            "resource.id": name,
            "index_uuid": "_na_",
            "index": name,
        }
        super().__init__(f"no such index [{name}]", **extra)


class DocumentMissing(NotFound):
    type = "document_missing_exception"

    def __init__(self, index: str, uuid: str, doc_id: str) -> None:
        super().__init__(f"[{doc_id}]: document missing", index=index, index_uuid=uuid, shard="0")


class AliasesNotFound(NotFound):
    type = "aliases_not_found_exception"

    def __init__(self, names: str) -> None:
        """``names``: the missing aliases, comma-separated, as the reason and ``resource.id``."""
        extra: dict[str, Any] = {"resource.type": "aliases", "resource.id": names}
        super().__init__(f"aliases [{names}] missing", **extra)


class Conflict(EngineError):
    status = 409
    type = "version_conflict_engine_exception"


class VersionConflict(Conflict):
    def __init__(self, index: str, uuid: str, doc_id: str, why: str) -> None:
        super().__init__(
            f"[{doc_id}]: version conflict, {why}", index=index, index_uuid=uuid, shard="0"
        )


class IndexClosed(BadRequest):
    """A read or write of an index that is closed (``POST /{index}/_close``)."""

    type = "index_closed_exception"

    def __init__(self, name: str, uuid: str = "_na_") -> None:
        super().__init__("closed", index_uuid=uuid, index=name)


class Unsupported(BadRequest):
    """A valid Elasticsearch request that this engine does not implement."""

    type = "illegal_argument_exception"

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is not supported by the djangoes embedded engine")


class EngineClosed(EngineError):
    status = 503
    type = "engine_closed_exception"


class DataDirectoryLocked(EngineError):
    """Raised when another process holds the data directory."""

    status = 503
    type = "lock_obtain_failed_exception"


class ShardUnavailable(EngineError):
    """An index that cannot take writes until it has recovered from a failure of its store.

    Elasticsearch answers writes to a failed primary shard so; clients retry a 503.
    """

    status = 503
    type = "unavailable_shards_exception"

    def __init__(self, index: str, why: str) -> None:
        super().__init__(f"[{index}][0] primary shard is not active: {why}", index=index)
