"""The sample project as ``tests/reliability/test_rebuild_crash.py`` runs it: its rebuilds stop
at ``DJANGOES_SAMPLE_PAUSE_AT`` (the ``crashpoints`` app), the 'books' index is named
``DJANGOES_SAMPLE_INDEX``, and the rebuild timings are short, so that a rebuild killed there
heals within a second or two.
"""

import os

from .settings import *  # noqa: F403
from .settings import ES_INDICES, INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "crashpoints"]
NAME = os.environ.get("DJANGOES_SAMPLE_INDEX", "books")
ES_INDICES = {"books": {**ES_INDICES["books"], "NAME": NAME, "ALIASES": [f"{NAME}-library"]}}
ES_REBUILD_TTL = float(os.environ.get("DJANGOES_SAMPLE_REBUILD_TTL", "0.1"))
ES_REBUILD_LEASE = float(os.environ.get("DJANGOES_SAMPLE_REBUILD_LEASE", "1.0"))
