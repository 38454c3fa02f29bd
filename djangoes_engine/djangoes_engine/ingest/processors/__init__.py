"""The processor types pipelines may use, by name, each read by its factory."""

from __future__ import annotations

from ..processor import Factory
from . import convert, date, fields, flow, jsonparse, lists, script, strings

REGISTRY: dict[str, Factory] = {
    **fields.FACTORIES,
    **strings.FACTORIES,
    **lists.FACTORIES,
    **convert.FACTORIES,
    **date.FACTORIES,
    **jsonparse.FACTORIES,
    **flow.FACTORIES,
    **script.FACTORIES,
}

#: Elasticsearch's other processor types: refused as unsupported here, not as unknown.
NOT_IMPLEMENTED = frozenset(
    {
        "attachment",
        "bytes",
        "circle",
        "community_id",
        "csv",
        "date_index_name",
        "dissect",
        "enrich",
        "fingerprint",
        "geo_grid",
        "geoip",
        "grok",
        "html_strip",
        "inference",
        "ip_location",
        "kv",
        "network_direction",
        "redact",
        "registered_domain",
        "reroute",
        "set_security_user",
        "terminate",
        "uri_parts",
        "urldecode",
        "user_agent",
    }
)

__all__ = ["NOT_IMPLEMENTED", "REGISTRY"]
