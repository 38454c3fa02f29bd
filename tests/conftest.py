"""Django settings for the test suite: djangoes reads ``ES_SERVERS`` and ``ES_INDICES``."""

from __future__ import annotations

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        ES_SERVERS={"default": {"ENGINE": "embedded"}},
        ES_INDICES={},
        INSTALLED_APPS=[],
        USE_TZ=True,
    )
    django.setup()

#: Fixtures that tests of several folders share, and the run's own temporary directory.
pytest_plugins = ["tests.temporary", "tests.support", "tests.endpoints", "tests.shedding"]

#: The sample project's tests run in their own processes, with its settings (test_sample_project).
collect_ignore = ["sample_project"]
