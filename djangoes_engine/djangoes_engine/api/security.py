"""Elasticsearch's ``_security`` API as far as the server's authentication goes: API keys
(create, get, invalidate) and ``_authenticate``.

Only an authenticated user can create a key, so the API needs a server that authenticates
(``djangoes-embedded serve --users FILE``): without one (on loopback, or in-process) it answers
a 400 naming ``--users`` rather than pretending. Every user of the users file may manage every
key, as a user with ``manage_api_key`` would; a request authenticated with an API key sees and
invalidates that key only (``owner=true`` is the key itself), and cannot create keys. A key's
secret is shown once, when it is created: listings never show it, nor its hash.
"""

from __future__ import annotations

import base64
import time
from typing import TYPE_CHECKING, Any

from ..cluster import Cluster
from ..dates.timevalues import time_value_millis
from ..errors import BadRequest, EngineError, ValidationError
from ..http import Request
from .arguments import boolean, object_body

if TYPE_CHECKING:  # the in-process transport loads these handlers, never the server's parts
    from djangoes_gateway.authentication import Principal

    from ..api_keys import ApiKey, ApiKeys

#: The realm users of the users file are authenticated in, as Elasticsearch's file realm.
FILE_REALM = "file"


class SecurityNotEnabled(BadRequest):
    type = "security_exception"

    def __init__(self) -> None:
        super().__init__(
            "security is not enabled on this server: the _security APIs need a server that "
            "authenticates requests (djangoes-embedded serve --users FILE)"
        )


class Forbidden(EngineError):
    status = 403
    type = "security_exception"


def _secured(request: Request) -> tuple[ApiKeys, Principal]:
    if request.api_keys is None or request.principal is None:
        raise SecurityNotEnabled
    return request.api_keys, request.principal


def authenticate(engine: Cluster, request: Request) -> tuple[int, dict[str, Any]]:
    """``GET _security/_authenticate``: who the request was authenticated as."""
    _, principal = _secured(request)
    realm = {"name": principal.realm, "type": principal.realm}
    body: dict[str, Any] = {
        "username": principal.username,
        "roles": ["superuser"] if principal.realm == FILE_REALM else [],
        "full_name": None,
        "email": None,
        "metadata": {},
        "enabled": True,
        "authentication_realm": realm,
        "lookup_realm": realm,
        "authentication_type": "api_key" if principal.api_key_id else "realm",
    }
    if principal.api_key_id:
        body["api_key"] = {"id": principal.api_key_id, "name": principal.api_key_name}
    return 200, body


def create_api_key(engine: Cluster, request: Request) -> tuple[int, dict[str, Any]]:
    """``POST/PUT _security/api_key``: a new key of the authenticated user."""
    keys, principal = _secured(request)
    if principal.api_key_id is not None:
        raise Forbidden(
            f"action [cluster:admin/xpack/security/api_key/create] is unauthorized for API key "
            f"id [{principal.api_key_id}]: API keys are created by users of the users file"
        )
    body = object_body(request.body, required=True)
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValidationError("api key name is required")
    expiration = None
    if body.get("expiration") is not None:
        millis = time_value_millis(body["expiration"], "expiration")
        if millis <= 0:
            raise BadRequest(f"invalid expiration [{body['expiration']}]: it must be positive")
        expiration = int(time.time() * 1000) + millis
    for part in ("role_descriptors", "metadata"):
        if not isinstance(body.get(part, {}), dict):
            raise BadRequest(f"[{part}] must be an object")
    key, secret = keys.create(
        principal, name, expiration, body.get("role_descriptors"), body.get("metadata")
    )
    created: dict[str, Any] = {
        "id": key.id,
        "name": key.name,
        "api_key": secret,
        "encoded": base64.b64encode(f"{key.id}:{secret}".encode()).decode(),
    }
    if expiration is not None:
        created["expiration"] = expiration
    return 200, created


def get_api_key(engine: Cluster, request: Request) -> tuple[int, dict[str, Any]]:
    """``GET _security/api_key``: the keys the filters select, never their secrets."""
    keys, principal = _secured(request)
    params = request.params
    owner = boolean(params, "owner")
    if boolean(params, "with_limited_by"):
        # The owner's role descriptors: the users of a users file have no roles to show.
        raise BadRequest("[with_limited_by] is not supported: this server's users have no roles")
    if owner and ("username" in params or "realm_name" in params):
        raise ValidationError("username or realm name must not be specified when owner is true")
    ids = [params["id"]] if params.get("id") else None
    username, realm = params.get("username") or None, params.get("realm_name") or None
    if owner and principal.api_key_id is not None:
        own = principal.api_key_id or ""
        ids = [i for i in ids or [own] if i == own]
    elif owner:
        username, realm = principal.username, principal.realm
    found = keys.find(
        ids=ids,
        name=params.get("name") or None,
        username=username,
        realm=realm,
        active_only=boolean(params, "active_only"),
    )
    return 200, {"api_keys": [key.info() for key in _visible(found, principal)]}


def invalidate_api_key(engine: Cluster, request: Request) -> tuple[int, dict[str, Any]]:
    """``DELETE _security/api_key``: invalidate the keys named by ``ids`` or ``name``."""
    keys, principal = _secured(request)
    body = object_body(request.body, required=True)
    ids, name = body.get("ids"), body.get("name")
    if body.get("id"):
        ids = [body["id"]]
    if ids is None and name is None and not body.get("owner") and not body.get("username"):
        raise ValidationError(
            "One of [api key id(s), api key name, username, realm name] must be specified if "
            "[owner] flag is false"
        )
    if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)):
        raise BadRequest("[ids] must be a list of API key ids")
    found = keys.find(
        ids=ids,
        name=name,
        username=principal.username if body.get("owner") else body.get("username"),
        realm=body.get("realm_name"),
    )
    done, before = keys.invalidate(_visible(found, principal))
    return 200, {
        "invalidated_api_keys": done,
        "previously_invalidated_api_keys": before,
        "error_count": 0,
    }


def _visible(found: list[ApiKey], principal: Principal) -> list[ApiKey]:
    """What ``principal`` may see and invalidate: every key for a user, itself for a key."""
    if principal.api_key_id is not None:
        return [key for key in found if key.id == principal.api_key_id]
    return found
