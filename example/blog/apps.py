from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"

    def ready(self) -> None:
        from . import signals  # noqa: F401 (connects the receivers that index posts)
