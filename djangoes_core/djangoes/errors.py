"""The kinds of mistake in djangoes' settings, each with a stable id and a hint.

A mistake is raised as a :class:`SettingError` (an ``ImproperlyConfigured``) when the settings are
read, and reported by ``manage.py check`` under its id (``djangoes.E003``): one rule, two ways
to meet it. ``docs/checks.md`` lists them.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

#: Each kind of mistake by id, with the hint ``manage.py check`` gives for it (the ``W``
#: ones are warnings; ``djangoes.checks.deploy`` has the deploy warnings W001 to W003
#: and W012).
HINTS: dict[str, str] = {
    "E001": "Add a 'default' entry to ES_SERVERS: djangoes.connection is connections['default'].",
    "E002": "Give the value the type the message names (see docs/connections.md).",
    "E003": "Remove the key, or correct its spelling.",
    "E004": "Declare the index in ES_INDICES, or remove it from the connection's INDICES.",
    "E005": "Write hosts as 'host', 'host:port', 'https://host:port/prefix' or a dict "
    "with 'host', 'port' and 'scheme'.",
    "E006": 'Use a name of at most 255 bytes, without \\ / * ? " < > | , # : or spaces, that '
    "does not start with '_', '-' or '+' and is not '.' or '..'; an index name is also lowercase.",
    "E007": "Give TEST a NAME (and ALIASES) of its own: tests delete and recreate test indices.",
    "E008": "Keep 'TEST' only ('TESTS' is djangoes 0.3's spelling).",
    "E009": 'Run pip install "djangoes[<extra>]" (the extra the message names), or choose '
    "another ENGINE.",
    "E010": "Use the short name of an installed backend, or the dotted path of a backend class.",
    "E011": "Correct PARAMS: they are the keyword arguments of elasticsearch.Elasticsearch.",
    "E012": "Give the dotted path of a callable that yields documents or (id, document) pairs.",
    "E013": "Leave HOSTS out for http://localhost:9200, or list the nodes: an empty HOSTS is a "
    "mistake, not a default.",
    "E014": "Give each ES_INDICES entry its own NAME: a server has one index of a name, so one "
    "entry would silently act on the other's index.",
    "E015": "Give each index ALIASES of its own, or mark one index's alias is_write_index: True "
    "in its SETTINGS['aliases']: djangoes writes through ALIASES.",
    "E016": "Rename the alias: on a server a name is either an index or an alias, never both.",
    "E017": "Give each index's TEST a NAME and ALIASES of their own: test runs create, empty and "
    "delete them.",
    "E018": "Write SETTINGS as the body of Elasticsearch's create-index API: {'settings': {...}, "
    "'mappings': {'properties': {...}}, 'aliases': {...}}.",
    "E019": "Keep DOCUMENT (the index is created from the Document's mappings and settings) or "
    "SETTINGS, not both.",
    "E020": "Give DOCUMENT the dotted path of a djangoes.dsl Document whose class Index names "
    "this ES_INDICES entry (name = '<key>').",
    # Warnings: probably, not certainly, a mistake; nothing refuses them at run time.
    "W004": "Add the index to the INDICES of the connection that uses it, or remove it from "
    "ES_INDICES: commands and test runs only see the indices a connection serves.",
    "W005": "Remove the repeated entry.",
    "W006": "List in TEST['INDICES'] every index the connection's code uses, or leave "
    "TEST['INDICES'] out to test with INDICES.",
    "W007": "If anything writes through the alias, mark it is_write_index: True on one index; "
    "for a read-only alias, silence this warning.",
    "W008": "Choose a NAME without a leading '.': Elasticsearch reserves those for hidden and "
    "system indices.",
    "W009": "Shorten NAME: a rebuild creates NAME__20261125t103000 and a journal named after it, "
    "and Elasticsearch allows 255 bytes.",
    "W010": "Correct the setting's name: djangoes reads ES_SERVERS, ES_INDICES, ES_REBUILD_TTL "
    "and ES_REBUILD_HOLD_TIMEOUT.",
    "W011": "Remove HOSTS: the embedded engine runs in this process (PARAMS 'path' or 'name' "
    "choose it).",
}


class SettingError(ImproperlyConfigured):
    """A mistake in ``ES_SERVERS``, ``ES_INDICES`` or another djangoes setting."""

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.id = f"djangoes.{code}"
        self.hint = hint or HINTS[code]
