"""AWS SigV4 signing for Amazon OpenSearch Service and OpenSearch Serverless.

``PARAMS['aws']`` turns it on: ``{"region": "eu-west-1", "service": "es"}`` (``"aoss"`` for
OpenSearch Serverless; ``region`` defaults to the AWS configuration's, ``profile`` chooses a
named profile). The credentials come from botocore's chain (environment, shared files, an
instance or task role...), never from the settings: nothing djangoes shows can hold them. It
needs boto3: ``pip install "djangoes[opensearch-aws]"``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from djangoes.conf import check_type

KEYS = ("region", "service", "profile")
#: botocore logs each canonical request it signs at DEBUG, session token included.
_TOKEN = re.compile(r"(x-amz-security-token[:=])[^\s&]+", re.IGNORECASE)


class _Redacted(logging.Filter):
    """Masks the session token in botocore's signing records: credentials stay out of logs
    even with every logger at DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN.search(message):
            record.msg, record.args = _TOKEN.sub(r"\1***", message), None
        return True


_REDACTED = _Redacted()


def redact_botocore_logs() -> None:
    logger = logging.getLogger("botocore.auth")
    if _REDACTED not in logger.filters:
        logger.addFilter(_REDACTED)


SERVICES = ("es", "aoss")
INSTALL = 'pip install "djangoes[opensearch-aws]"'


def check(aws: Any, place: str) -> dict[str, Any]:
    """``PARAMS['aws']`` completed: region, service, profile (None: the default)."""
    place = f"{place}['aws']"
    check_type(aws, Mapping, place, "a dict with 'region' and 'service'")
    unknown = sorted(set(aws) - set(KEYS))
    if unknown:
        raise ImproperlyConfigured(
            f"{place} has an unknown key {unknown[0]!r} (it takes {', '.join(KEYS)})"
        )
    service = aws.get("service", "es")
    if service not in SERVICES:
        raise ImproperlyConfigured(
            f"{place}['service'] must be 'es' (Amazon OpenSearch Service) or 'aoss' (OpenSearch "
            f"Serverless), not {service!r}"
        )
    for key in ("region", "profile"):
        if aws.get(key) is not None:
            check_type(aws[key], str, f"{place}[{key!r}]", "a string")
    return {"region": aws.get("region"), "service": service, "profile": aws.get("profile")}


def signer(aws: Mapping[str, Any], place: str, connection_class: type, asynchronous: bool) -> Any:
    """The ``http_auth`` that signs each request with the chain's credentials."""
    settings = check(aws, place)
    try:
        import boto3
    except ImportError:
        raise ImproperlyConfigured(f"{place}['aws'] needs boto3: {INSTALL}") from None
    session = boto3.Session(profile_name=settings["profile"])
    region = settings["region"] or session.region_name
    if not region:
        raise ImproperlyConfigured(
            f"{place}['aws'] has no 'region', and the AWS configuration names none"
        )
    redact_botocore_logs()
    credentials = session.get_credentials()
    if credentials is None:
        raise ImproperlyConfigured(
            f"{place}['aws']: botocore found no AWS credentials (environment, shared "
            "credentials file, instance or task role)"
        )
    from opensearchpy import RequestsHttpConnection
    from opensearchpy.helpers.asyncsigner import AWSV4SignerAsyncAuth
    from opensearchpy.helpers.signer import RequestsAWSV4SignerAuth, Urllib3AWSV4SignerAuth

    if asynchronous:
        return AWSV4SignerAsyncAuth(credentials, region, settings["service"])
    if issubclass(connection_class, RequestsHttpConnection):
        return RequestsAWSV4SignerAuth(credentials, region, settings["service"])
    return Urllib3AWSV4SignerAuth(credentials, region, settings["service"])
