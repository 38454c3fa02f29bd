"""djangoes' system checks, registered by :class:`djangoes.apps.DjangoesConfig`.

``manage.py check`` reports the mistakes in the settings (``djangoes.E001``...), with the rules
of :mod:`djangoes.conf`; ``manage.py check --deploy`` adds what is unsafe in production
(``djangoes.W001``...). ``docs/checks.md`` lists every message.
"""

from __future__ import annotations

from django.core import checks

from .configuration import check_settings
from .deploy import check_deploy

TAG = "djangoes"


def register() -> None:
    checks.register(check_settings, TAG)
    checks.register(check_deploy, TAG, checks.Tags.security, deploy=True)


__all__ = ["check_deploy", "check_settings", "register"]
