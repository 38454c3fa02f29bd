"""The example blog: posts in SQLite, searched through djangoes.

Search uses the embedded engine in-process, its data next to the database in ``example/var/``
(``DJANGOES_EXAMPLE_DIR`` moves both). ``DJANGOES_ES_URL`` points it at an Elasticsearch
cluster instead, e.g. ``DJANGOES_ES_URL=http://localhost:9200``.

Deployment settings come from the environment, with defaults for a local demo: ``DJANGOES_DEBUG``
(``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``; off unless set, and ``manage.py
demo --serve`` turns it on when it is not set), ``DJANGOES_SECRET_KEY`` (a fixed, public key by
default: set one for anything but a local demo) and ``DJANGOES_ALLOWED_HOSTS`` (comma-separated;
``127.0.0.1,localhost`` by default).
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_flag(name: str, default: bool) -> bool:
    """A yes/no environment variable; anything else is an error, not a silent default."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected 1/true/yes/on or 0/false/no/off")


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGOES_EXAMPLE_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite creates the file, not its directory

SECRET_KEY = os.environ.get("DJANGOES_SECRET_KEY") or "django-insecure-example-blog-not-secret"
DEBUG = env_flag("DJANGOES_DEBUG", default=False)
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGOES_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

INSTALLED_APPS = ["djangoes", "blog"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "blogsite.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    },
]

DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "db.sqlite3"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
TIME_ZONE = "UTC"
USE_TZ = True

ES_URL = os.environ.get("DJANGOES_ES_URL")
ES_SERVERS = {
    "default": (
        {"ENGINE": "http", "HOSTS": [ES_URL], "INDICES": ["posts"]}
        if ES_URL
        else {
            "ENGINE": "embedded",
            "PARAMS": {"path": str(VAR_DIR / "search")},
            "INDICES": ["posts"],
        }
    ),
}
ES_INDICES = {
    "posts": {
        "NAME": "blog_posts_v1",
        "ALIASES": ["blog_posts"],
        # What `manage.py es_indices rebuild` indexes: the posts of the database.
        "SOURCE": "blog.search.documents",
        "SETTINGS": {
            "settings": {
                "number_of_shards": 1,
                "number_of_replicas": 0,
                "analysis": {
                    "filter": {
                        "english_stop": {"type": "stop", "stopwords": "_english_"},
                        "english_stemmer": {"type": "stemmer", "language": "english"},
                    },
                    "analyzer": {
                        "blog_text": {
                            "type": "custom",
                            "tokenizer": "standard",
                            "filter": [
                                "lowercase",
                                "asciifolding",
                                "english_stop",
                                "english_stemmer",
                            ],
                        },
                    },
                },
            },
            "mappings": {
                "properties": {
                    "title": {"type": "text", "analyzer": "blog_text"},
                    "body": {"type": "text", "analyzer": "blog_text"},
                    "slug": {"type": "keyword"},
                    "author": {"type": "keyword"},
                    "category": {"type": "keyword"},
                    "tags": {"type": "keyword"},
                    "published": {"type": "date"},
                },
            },
        },
    },
}
