"""djangoes as a Django app: add ``"djangoes"`` to ``INSTALLED_APPS`` for its management
commands (``es_indices``, ``es_check``) and its system checks."""

from django.apps import AppConfig


class DjangoesConfig(AppConfig):
    name = "djangoes"
    verbose_name = "djangoes (Elasticsearch connections)"

    def ready(self) -> None:
        from . import checks

        checks.register()
