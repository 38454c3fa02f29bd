"""A small Django project that uses djangoes, run by the test suite.

``DJANGOES_SAMPLE_URL`` points it at an Elasticsearch-compatible server (the embedded engine's
HTTP server in the tests); without it, it uses the embedded engine in-process.
``DJANGOES_SAMPLE_PARAMS`` (JSON) gives that connection ``PARAMS``: short timeouts, for the
tests of a server that does not answer. ``DJANGOES_SAMPLE_ENGINE`` chooses the backend that
reaches that server (``http`` unless it says ``opensearch``).
"""

import json
import os

SECRET_KEY = "sample-project-not-secret"
DEBUG = False
INSTALLED_APPS = ["djangoes", "library"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
TEST_RUNNER = "djangoes.test.runner.DiscoverRunner"

URL = os.environ.get("DJANGOES_SAMPLE_URL")
ENGINE = os.environ.get("DJANGOES_SAMPLE_ENGINE") or "http"
PARAMS = json.loads(os.environ.get("DJANGOES_SAMPLE_PARAMS") or "{}")
ES_SERVERS = {
    "default": (
        {"ENGINE": ENGINE, "HOSTS": [URL], "INDICES": ["books"], "PARAMS": PARAMS}
        if URL
        else {"ENGINE": "embedded", "PARAMS": {"name": "sample"}, "INDICES": ["books"]}
    ),
}
ES_INDICES = {
    "books": {
        "NAME": "books",
        "ALIASES": ["library"],
        "REBUILD": True,  # es_indices rebuild books (the commands' and crash tests)
        "SETTINGS": {
            "mappings": {"properties": {"title": {"type": "text"}, "year": {"type": "integer"}}}
        },
    },
}
