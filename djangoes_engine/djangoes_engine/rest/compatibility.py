"""Which REST API versions the engine answers, as Elasticsearch 9 does.

A client asks for a major version's API in its media types (elasticsearch-py 9 sends
``application/vnd.elasticsearch+json; compatible-with=9``, its 8.x releases ``=8``).
Elasticsearch 9 answers 9 and 8, and refuses any other version, or an ``Accept`` and a
``Content-Type`` that disagree, with a 400 before anything runs: a client built for
Elasticsearch 7 that asks for its API must fail here as it would there.
"""

from __future__ import annotations

import re

from ..errors import EngineError
from ..http import Request

CURRENT = 9
MINIMUM = 8
_COMPATIBLE_WITH = re.compile(r"compatible-with\s*=\s*\"?(\d+)")
_BOTH = "A compatible version is required on both Content-Type and Accept headers"


def check(request: Request) -> None:
    """Refuse the request if its media types ask for an API version the engine lacks."""
    asked_accept = _asked(request.headers.get("accept"))
    asked_content = _asked(request.headers.get("content-type"))
    if asked_accept is None and asked_content is None:
        return  # the common case: plain application/json, or no headers (in-process)
    # As Elasticsearch quotes them: a header not sent is null.
    accept = request.headers.get("accept", "null")
    content_type = request.headers.get("content-type", "null")
    accept_version = CURRENT if asked_accept is None else asked_accept
    if not MINIMUM <= accept_version <= CURRENT:
        raise _refused(
            f"Accept version must be either version {CURRENT} or {MINIMUM}, but found "
            f"{accept_version}. Accept={accept}"
        )
    if not request.body:
        return  # without a body, Elasticsearch ignores the Content-Type
    content_version = CURRENT if asked_content is None else asked_content
    if not MINIMUM <= content_version <= CURRENT:
        raise _refused(
            f"Content-Type version must be either version {CURRENT} or {MINIMUM}, but found "
            f"{content_version}. Content-Type={content_type}"
        )
    if content_version != accept_version:
        raise _refused(
            f"{_BOTH} if either one has requested a compatible version and the compatible "
            f"versions must match. Accept={accept}, Content-Type={content_type}"
        )
    if (asked_accept is None) != (asked_content is None):
        raise _refused(
            f"{_BOTH} if either one has requested a compatible version. Accept={accept}, "
            f"Content-Type={content_type}"
        )


def _asked(media_type: str | None) -> int | None:
    """The ``compatible-with`` version a media type asks for, if any."""
    if media_type is None or "compatible-with" not in media_type:
        return None
    found = _COMPATIBLE_WITH.search(media_type)
    return int(found[1]) if found else None


def _refused(reason: str) -> EngineError:
    """Elasticsearch's error: the headers named, the reason as its cause."""
    cause = EngineError(reason, status=400, type="status_exception")
    return EngineError(
        "Invalid media-type value on headers [Accept, Content-Type]",
        status=400,
        type="media_type_header_exception",
        caused_by=cause,
    )
