"""The kinds of mistake in djangoes' settings, each with a stable id and a hint.

A mistake is raised as a :class:`SettingError` (an ``ImproperlyConfigured``) when the settings are
read, and reported by ``manage.py check`` under its id (``djangoes.E003``): one rule, two ways
to meet it. ``docs/checks.md`` lists them.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

#: Each kind of mistake by id, with the hint ``manage.py check`` gives for it.
HINTS: dict[str, str] = {
    "E001": "Add a 'default' entry to ES_SERVERS: djangoes.connection is connections['default'].",
    "E002": "Give the value the type the message names (see docs/connections.md).",
    "E003": "Remove the key, or correct its spelling.",
    "E004": "Declare the index in ES_INDICES, or remove it from the connection's INDICES.",
    "E005": "Write hosts as 'host', 'host:port', 'https://host:port/prefix' or a dict "
    "with 'host', 'port' and 'scheme'.",
    "E006": 'Use a lowercase name without \\ / * ? " < > | , # : or spaces, that does not '
    "start with '_', '-' or '+'.",
    "E007": "Give TEST a NAME (and ALIASES) of its own: tests delete and recreate test indices.",
    "E008": "Keep 'TEST' only ('TESTS' is djangoes 0.3's spelling).",
    "E009": 'Run pip install "djangoes[<extra>]" (the extra the message names), or choose '
    "another ENGINE.",
    "E010": "Use the short name of an installed backend, or the dotted path of a backend class.",
    "E011": "Correct PARAMS: they are the keyword arguments of elasticsearch.Elasticsearch.",
    "E012": "Give the dotted path of a callable that yields documents or (id, document) pairs.",
}


class SettingError(ImproperlyConfigured):
    """A mistake in ``ES_SERVERS``, ``ES_INDICES`` or another djangoes setting."""

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.id = f"djangoes.{code}"
        self.hint = hint or HINTS[code]
